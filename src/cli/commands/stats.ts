// `holdfast stats`: what is held, what is about to need action, and what was lost.
import { HOLD_STATES } from '../../../machines/hold.machine.js';
import { countHoldsByStateAndCurrency, type CurrencyTotals, type StateCurrencyTotals, sumOpenHoldsDueBy } from '../../../db/holds.repository.js';
import type { Holdfast } from '../../holds/holdfast.js';

/** The horizons `stats` reports amounts reaching actBy within. */
export const STATS_HORIZONS: readonly { label: string; ms: number }[] = [
  { label: '24h', ms: 24 * 3_600_000 },
  { label: '72h', ms: 72 * 3_600_000 },
  { label: '7d', ms: 7 * 24 * 3_600_000 },
];

export interface HoldStats {
  /** When the figures were taken (epoch ms). */
  at: number;
  /** Every hold by state and currency, in lifecycle order. */
  byState: StateCurrencyTotals[];
  /** Open holds whose actBy falls within each horizon from `at` (overdue ones included), with the amount still held. */
  reachingActBy: (CurrencyTotals & { within: string })[];
  /** Holds whose window closed with nothing captured, per currency. */
  expiredUncaptured: CurrencyTotals[];
}

/** Counts and amounts per state and currency, amounts reaching actBy within 24 h / 72 h / 7 d, and expired holds. */
export async function statsCommand(hf: Holdfast): Promise<HoldStats> {
  const db = hf.engine.store.db;
  const at = hf.engine.clock.now();
  const rank = (state: string) => (HOLD_STATES as readonly string[]).indexOf(state);
  const byState = (await countHoldsByStateAndCurrency(db)).sort((a, b) => rank(a.state) - rank(b.state) || a.currency.localeCompare(b.currency));
  const reachingActBy: HoldStats['reachingActBy'] = [];
  for (const horizon of STATS_HORIZONS) {
    for (const totals of await sumOpenHoldsDueBy(db, at + horizon.ms)) reachingActBy.push({ within: horizon.label, ...totals });
  }
  const expiredUncaptured = byState
    .filter((row) => row.state === 'expired')
    .map(({ currency, count, amount }) => ({ currency, count, amount }));
  return { at, byState, reachingActBy, expiredUncaptured };
}
