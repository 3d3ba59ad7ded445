// `holdfast stats`: what is held, what is about to need action, and what was lost.
import type { Holdfast, HoldStats } from '../../holds/holdfast.js';

export { STATS_HORIZONS } from '../../holds/hold-queries.js';
export type { HoldStats };

/** Counts and amounts per state and currency, amounts reaching actBy within 24 h / 72 h / 7 d, and expired holds. */
export async function statsCommand(hf: Holdfast): Promise<HoldStats> {
  return hf.stats();
}
