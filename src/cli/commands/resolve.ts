// `holdfast resolve`: record how a hold that needs attention ended, after checking the gateway's console.
import type { Holdfast } from '../../holds/holdfast.js';
import type { Hold } from '../../holds/types.js';
import { parseAmount } from '../../money/money.js';
import { ValidationError } from '../../errors.js';

export interface ResolveCommandOptions {
  holdId: string;
  /** Decimal in major units of the hold's currency: the console shows this much captured. */
  captured?: string | undefined;
  /** The console shows the authorization voided. */
  voided?: boolean | undefined;
  /** The console shows nothing captured. */
  notCaptured?: boolean | undefined;
  reason?: string | undefined;
}

/** Records the operator's resolution and returns the hold. */
export async function resolveCommand(hf: Holdfast, options: ResolveCommandOptions): Promise<Hold> {
  const chosen = [options.captured !== undefined, options.voided === true, options.notCaptured === true].filter(Boolean).length;
  if (chosen !== 1) {
    throw new ValidationError('INVALID_RESOLUTION', 'say what the gateway console shows with exactly one of --captured <amount>, --voided or --not-captured');
  }
  if (options.reason === undefined || options.reason.trim() === '') {
    throw new ValidationError('INVALID_RESOLUTION', 'a resolution needs --reason <text>: what the gateway console shows, for the journal');
  }
  const hold = await hf.get(options.holdId);
  if (options.captured !== undefined) {
    return hf.resolve(hold.id, { resolution: 'captured', amount: parseAmount(options.captured, hold.currency), reason: options.reason });
  }
  return hf.resolve(hold.id, { resolution: options.voided ? 'voided' : 'not_captured', reason: options.reason });
}
