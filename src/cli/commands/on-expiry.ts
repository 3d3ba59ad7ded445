// `holdfast on-expiry`: what the sweeper does with a hold at its actBy.
import type { ExtensionMethod, FinalPlan, OnExpiry } from '../../../machines/hold.machine.js';
import { ValidationError } from '../../errors.js';
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';
import { parseIsoTime } from '../../time/parse-iso-time.js';
import { parseChoice } from '../parse-args.js';

export interface OnExpiryCommandOptions {
  holdId: string;
  /** "capture", "void" or "extend". */
  plan: string;
  /** With capture only: decimal in major units of the hold's currency; default everything capturable. */
  amount?: string | undefined;
  /** With extend only (required): ISO-8601 time until which the funds are kept. */
  until?: string | undefined;
  /** With extend only: capture or void at --until (default void). */
  fallback?: string | undefined;
  /** With extend only: reauthorization or replacement (default: the gateway's best). */
  by?: string | undefined;
}

/** An extension method named on the command line, or INVALID_EXTENSION_METHOD. */
export function parseExtensionMethod(value: string | undefined): { by?: ExtensionMethod } {
  return value === undefined ? {} : { by: parseChoice<ExtensionMethod>(value, ['reauthorization', 'replacement'], 'the extension method (--by)', 'INVALID_EXTENSION_METHOD') };
}

/** Sets the hold's plan for its actBy and returns the hold. */
export async function onExpiryCommand(hf: Holdfast, options: OnExpiryCommandOptions): Promise<Hold> {
  const plan = parseChoice<OnExpiry>(options.plan, ['capture', 'void', 'extend'], 'the on-expiry plan', 'INVALID_ON_EXPIRY');
  if (plan !== 'capture' && options.amount !== undefined) {
    throw new ValidationError('INVALID_AMOUNT', '--amount only applies to `on-expiry <hold-id> capture`');
  }
  if (plan !== 'extend' && (options.until !== undefined || options.fallback !== undefined || options.by !== undefined)) {
    throw new ValidationError('INVALID_HOLD_UNTIL', '--until, --fallback and --by only apply to `on-expiry <hold-id> extend`');
  }
  if (plan === 'extend') {
    if (options.until === undefined) throw new ValidationError('INVALID_HOLD_UNTIL', '`on-expiry <hold-id> extend` needs --until <date>, when the order expects to ship');
    const holdUntil = parseIsoTime(options.until, '--until');
    const fallback = options.fallback === undefined ? undefined : parseChoice<FinalPlan>(options.fallback, ['capture', 'void'], 'the fallback plan', 'INVALID_ON_EXPIRY');
    return hf.setOnExpiry(options.holdId, 'extend', { holdUntil, ...(fallback ? { fallback } : {}), ...parseExtensionMethod(options.by) });
  }
  const hold = await hf.get(options.holdId);
  const amount = options.amount === undefined ? null : parseAmount(options.amount, hold.currency);
  return hf.setOnExpiry(hold.id, plan, { amount });
}
