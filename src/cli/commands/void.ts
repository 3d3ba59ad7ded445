// `holdfast void`: release a hold now.
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';

/** Voids the hold at the gateway and returns it. */
export async function voidCommand(hf: Holdfast, options: { holdId: string }): Promise<Hold> {
  const hold = await hf.get(options.holdId);
  return hf.void(hold.id);
}
