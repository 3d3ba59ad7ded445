// `holdfast capture`: capture a hold now, all of what remains or the given amount.
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';

export interface CaptureCommandOptions {
  holdId: string;
  /** Decimal in major units of the hold's currency; default everything still capturable. */
  amount?: string | undefined;
  /** Release whatever remains after this capture. */
  final?: boolean | undefined;
}

/** Captures at the gateway and returns the updated hold. */
export async function captureCommand(hf: Holdfast, options: CaptureCommandOptions): Promise<Hold> {
  // The amount's exponent is the hold's currency's, so read the hold before parsing it.
  const hold = await hf.get(options.holdId);
  const amount = options.amount === undefined ? undefined : parseAmount(options.amount, hold.currency);
  return hf.capture(hold.id, {
    ...(amount !== undefined ? { amount } : {}),
    ...(options.final ? { final: true } : {}),
  });
}
