// `holdfast stats` for people: three small tables.
import type { HoldState } from '../../../machines/hold.machine.js';
import type { HoldStats } from '../commands/stats.js';
import { moneyText } from './money-text.js';
import { newTable } from './table.js';
import { colorState, type TerminalStyle } from './terminal-style.js';

/** Holds per state and currency, amounts reaching actBy, and expired-uncaptured holds. */
export function statsText(stats: HoldStats, style: TerminalStyle): string {
  const { bold } = style.colors;
  const byState = newTable(['state', 'currency', 'holds', 'amount', 'captured'], style, { align: ['left', 'left', 'right', 'right', 'right'] });
  for (const r of stats.byState) {
    byState.push([colorState(r.state as HoldState, style.colors), r.currency, String(r.count), moneyText(r.amount, r.currency), moneyText(r.capturedAmount, r.currency)]);
  }
  const due = newTable(['within', 'currency', 'holds', 'still held'], style, { align: ['left', 'left', 'right', 'right'] });
  for (const r of stats.reachingActBy) due.push([r.within, r.currency, String(r.count), moneyText(r.amount, r.currency)]);
  const expired = newTable(['currency', 'holds', 'amount'], style, { align: ['left', 'right', 'right'] });
  for (const r of stats.expiredUncaptured) expired.push([r.currency, String(r.count), moneyText(r.amount, r.currency)]);
  const extensions = newTable(['method', 'outcome', 'attempts'], style, { align: ['left', 'left', 'right'] });
  for (const r of stats.extensions) extensions.push([r.method, r.outcome, String(r.count)]);
  return [
    `${bold('Holds by state')}\n${stats.byState.length ? byState.toString() : 'no holds'}`,
    `${bold('Reaching act-by')} (open holds, overdue included)\n${stats.reachingActBy.length ? due.toString() : 'none within 7d'}`,
    `${bold('Expired uncaptured')} (so far)\n${stats.expiredUncaptured.length ? expired.toString() : 'none'}`,
    ...(stats.extensions.length ? [`${bold('Extensions')} (reauthorizations and replacement authorizations)\n${extensions.toString()}`] : []),
  ].join('\n\n');
}
