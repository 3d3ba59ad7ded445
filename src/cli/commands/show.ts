// `holdfast show`: one hold with its journal and its gateway exchanges.
import type { Holdfast, HoldHistory } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';

export interface ShowResult {
  hold: Hold;
  history: HoldHistory;
  /** The order's replacement chain, oldest first (this hold included). */
  chain: Hold[];
}

/** The hold, its transitions and its redacted gateway exchanges, oldest first, and its replacement chain. */
export async function showCommand(hf: Holdfast, options: { holdId: string }): Promise<ShowResult> {
  const hold = await hf.get(options.holdId);
  return { hold, history: await hf.history(hold.id), chain: await replacementChain(hf, hold) };
}

/** The order's holds along replaces (back) and replacedBy (forward), oldest first; each id once, so a damaged link cannot loop. */
export async function replacementChain(hf: Holdfast, hold: Hold): Promise<Hold[]> {
  const seen = new Set([hold.id]);
  const before: Hold[] = [];
  const after: Hold[] = [];
  for (let h = hold; h.replaces !== null && !seen.has(h.replaces); ) {
    seen.add(h.replaces);
    h = await hf.get(h.replaces);
    before.unshift(h);
  }
  for (let h = hold; h.replacedBy !== null && !seen.has(h.replacedBy); ) {
    seen.add(h.replacedBy);
    h = await hf.get(h.replacedBy);
    after.push(h);
  }
  return [...before, hold, ...after];
}
