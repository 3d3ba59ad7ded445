// A sweep report for people: one row per hold acted on, then the totals.
import type { SweepReport } from '../../sweeper/sweep.js';
import { formatAmount } from '../../money/money.js';
import { newTable } from './table.js';
import { colorState, type TerminalStyle } from './terminal-style.js';

// One hold may take two actions in a pass (a declined capture, then the void that releases it).
function countText(report: SweepReport): string {
  const actions = report.items.length + report.itemsOmitted;
  const holds = new Set(report.items.map((item) => item.holdId)).size;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (report.itemsOmitted > 0) return plural(actions, 'action');
  return holds === actions ? plural(holds, 'hold') : `${plural(actions, 'action')} on ${plural(holds, 'hold')}`;
}

/** The report as a table (or a one-line "nothing was due"). */
export function sweepReportText(report: SweepReport, style: TerminalStyle): string {
  const count = report.items.length + report.itemsOmitted;
  if (count === 0) return report.dryRun ? 'nothing is due' : 'nothing was due';
  const table = newTable(['hold', 'order', 'action', 'amount', report.dryRun ? 'plan' : 'outcome', 'state', 'ms'], style, {
    align: ['left', 'left', 'left', 'right', 'left', 'left', 'right'],
  });
  for (const item of report.items) {
    const outcome = item.outcome === 'approved' || item.outcome === 'expired' || item.outcome === 'planned' ? item.outcome : style.colors.red(item.outcome);
    table.push([
      item.holdId,
      item.orderId ?? '',
      item.action,
      item.amount === null ? '' : `${formatAmount(item.amount, item.currency)} ${item.currency}`,
      item.message && item.outcome !== 'approved' ? `${outcome}: ${item.message}` : outcome,
      item.stateAfter ? colorState(item.stateAfter, style.colors) : '',
      item.ms.toFixed(1),
    ]);
  }
  const totals = Object.entries(report.totals)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const omitted = report.itemsOmitted > 0 ? ` (${report.itemsOmitted} not listed)` : '';
  return `${table.toString()}\n${countText(report)}: ${totals}${omitted}`;
}
