// `holdfast extend` and `holdfast adjust`: keep a hold's funds past its window by reauthorizing or
// replacing it, or change its authorized amount before capture.
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';
import { parseIsoTime } from '../../time/parse-iso-time.js';
import { parseExtensionMethod } from './on-expiry.js';

export interface ExtendCommandOptions {
  holdId: string;
  /** ISO-8601 time until which the funds are kept (sets the extend plan). */
  until?: string | undefined;
  /** The new authorized total, decimal in major units of the hold's currency (default: unchanged). */
  amount?: string | undefined;
  /** reauthorization or replacement (default: the gateway's best). */
  by?: string | undefined;
}

/** Extends the hold now and returns it (the replacement, when it was replaced). */
export async function extendCommand(hf: Holdfast, options: ExtendCommandOptions): Promise<Hold> {
  const holdUntil = options.until === undefined ? undefined : parseIsoTime(options.until, '--until');
  const amount = options.amount === undefined ? undefined : parseAmount(options.amount, (await hf.get(options.holdId)).currency);
  const by = parseExtensionMethod(options.by);
  return hf.extend(options.holdId, { ...(holdUntil === undefined ? {} : { holdUntil }), ...(amount === undefined ? {} : { amount }), ...by });
}

/** Changes the hold's authorized amount to `amount` and returns it (the replacement, when it was replaced). */
export async function adjustCommand(hf: Holdfast, options: { holdId: string; amount: string }): Promise<Hold> {
  const hold = await hf.get(options.holdId);
  return hf.adjust(hold.id, { amount: parseAmount(options.amount, hold.currency) });
}
