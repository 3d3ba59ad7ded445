// `holdfast on-expiry`: what the sweeper does with a hold at its actBy.
import type { OnExpiry } from '../../../machines/hold.machine.js';
import { ValidationError } from '../../errors.js';
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';
import { parseChoice } from '../parse-args.js';

export interface OnExpiryCommandOptions {
  holdId: string;
  /** "capture" or "void". */
  plan: string;
  /** With capture only: decimal in major units of the hold's currency; default everything capturable. */
  amount?: string | undefined;
}

/** Sets the hold's plan for its actBy and returns the hold. */
export async function onExpiryCommand(hf: Holdfast, options: OnExpiryCommandOptions): Promise<Hold> {
  const plan = parseChoice<OnExpiry>(options.plan, ['capture', 'void'], 'the on-expiry plan', 'INVALID_ON_EXPIRY');
  if (plan === 'void' && options.amount !== undefined) {
    throw new ValidationError('INVALID_AMOUNT', '--amount only applies to `on-expiry <hold-id> capture`');
  }
  const hold = await hf.get(options.holdId);
  const amount = options.amount === undefined ? null : parseAmount(options.amount, hold.currency);
  return hf.setOnExpiry(hold.id, plan, { amount });
}
