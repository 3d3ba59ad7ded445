// `holdfast list` for people: one row per hold, soonest actBy first.
import type { Hold } from '../../holds/types.js';
import type { ListResult } from '../commands/list.js';
import { moneyText } from './money-text.js';
import { newTable } from './table.js';
import { colorState, type TerminalStyle } from './terminal-style.js';
import { shortTime, timeLeftText } from './time-left.js';

/** The holds as a table, or a line saying there are none. */
export function holdListText(result: ListResult, style: TerminalStyle): string {
  if (result.holds.length === 0) return 'no holds match';
  const table = newTable(['id', 'order', 'gateway', 'state', 'amount', 'captured', 'card', 'act by', 'left', 'on expiry'], style, {
    align: ['left', 'left', 'left', 'left', 'right', 'right', 'left', 'left', 'right', 'left'],
  });
  for (const h of result.holds) {
    table.push([
      h.id,
      h.orderId ?? '—',
      h.gateway,
      colorState(h.state, style.colors),
      h.authorizedAt === null ? `${moneyText(h.amount, h.currency)} asked` : moneyText(h.amount, h.currency),
      moneyText(h.capturedAmount, h.currency),
      h.cardType,
      shortTime(h.actBy),
      urgency(h, style),
      h.onExpiry === 'capture' && h.onExpiryAmount !== null ? `capture ${moneyText(h.onExpiryAmount, h.currency)}` : h.onExpiry,
    ]);
  }
  return table.toString();
}

/** The line that tells a person how to see the next page (printed on stderr), or null on the last page. */
export function nextPageHint(result: ListResult): string | null {
  return result.nextCursor === null ? null : `more holds match: add --cursor ${result.nextCursor} for the next page (or --all for every one)`;
}

// Red once actBy has passed (the sweeper is late or down), yellow within a day.
function urgency(hold: Hold, style: TerminalStyle): string {
  const text = timeLeftText(hold, style.now);
  if (text === '—' || hold.actBy === null) return text;
  const left = hold.actBy - style.now;
  if (left < 0) return style.colors.red(text);
  return left < 24 * 3_600_000 ? style.colors.yellow(text) : text;
}
