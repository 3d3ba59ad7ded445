// One hold for people, as a key/value table: what authorize, track, capture, void and on-expiry print.
import type { Hold } from '../../holds/types.js';
import { moneyText } from './money-text.js';
import { newKeyValueTable } from './table.js';
import { colorState, type TerminalStyle } from './terminal-style.js';
import { shortTime, timeLeftText } from './time-left.js';

/** The hold's fields as a two-column table. */
export function holdText(hold: Hold, style: TerminalStyle): string {
  const plan =
    hold.onExpiry === 'capture' && hold.onExpiryAmount !== null
      ? `capture ${moneyText(hold.onExpiryAmount, hold.currency)}`
      : hold.onExpiry === 'extend'
        ? `extend until ${shortTime(hold.holdUntil)}${hold.extendBy ? ` by ${hold.extendBy}` : ''}, then ${hold.fallback ?? 'void'}`
        : hold.onExpiry;
  const rows: [string, string][] = [
    ['id', hold.id],
    ['state', colorState(hold.state, style.colors) + stateNote(hold)],
    ['order', hold.orderId ?? '—'],
    ['gateway', `${hold.gateway}${hold.gatewayRef ? ` ${hold.gatewayRef}` : ''}`],
    ['subscription', hold.subscriptionId ?? '—'],
    // Before the gateway approves (and for a declined authorization): the amount asked for.
    ['amount', hold.authorizedAt === null ? `${moneyText(hold.amount, hold.currency)} asked` : moneyText(hold.amount, hold.currency)],
    ['captured', moneyText(hold.capturedAmount, hold.currency)],
    ['card', hold.maskedCard ? `${hold.cardType} ${hold.maskedCard}` : hold.cardType],
    ['authorized at', shortTime(hold.authorizedAt)],
    ['expires at', shortTime(hold.expiresAt)],
    ['act by', actByText(hold, style.now)],
    ['on expiry', plan],
  ];
  if (hold.replaces) rows.push(['replaces', hold.replaces]);
  if (hold.replacedBy) rows.push(['replaced by', `${hold.replacedBy} (the order's funds are held there now)`]);
  if (hold.lastError) rows.push(['last error', `${hold.lastError.code} ${hold.lastError.message}`]);
  return newKeyValueTable(rows, style);
}

// What the state alone does not say: a released remainder, an authorization that was never sent.
function stateNote(hold: Hold): string {
  if (hold.closed && hold.state === 'partially_captured') return ' (remainder released)';
  if (hold.state === 'declined' && hold.lastError?.code === 'NOT_SENT') return ' (not sent: the same idempotency key sends it again)';
  return '';
}

function actByText(hold: Hold, now: number): string {
  const left = timeLeftText(hold, now);
  return left === '—' ? shortTime(hold.actBy) : `${shortTime(hold.actBy)} (${left})`;
}
