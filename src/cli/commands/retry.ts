// `holdfast retry`: send a hold's in-flight gateway call again now, under its idempotency key.
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';

/** Re-sends the pending call and returns the hold as it ended. */
export async function retryCommand(hf: Holdfast, options: { holdId: string }): Promise<Hold> {
  return hf.retry(options.holdId);
}
