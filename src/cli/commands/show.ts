// `holdfast show`: one hold with its journal and its gateway exchanges.
import type { Holdfast, HoldHistory } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';

export interface ShowResult {
  hold: Hold;
  history: HoldHistory;
}

/** The hold, its transitions and its redacted gateway exchanges, oldest first. */
export async function showCommand(hf: Holdfast, options: { holdId: string }): Promise<ShowResult> {
  const hold = await hf.get(options.holdId);
  return { hold, history: await hf.history(hold.id) };
}
