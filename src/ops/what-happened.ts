// One sentence on why a hold needs a person, from its last error and its pending call.
import type { AttentionKind } from '../../db/operations.repository.js';
import type { Hold } from '../../machines/hold-types.js';
import { formatMoney, formatTime } from './page-format.js';

/** Why the hold is on the attention list, for people. */
export function whatHappened(kind: AttentionKind, hold: Hold): string {
  const error = hold.lastError;
  const pending = hold.pending;
  const call = pending ? `${pending.operation} of ${formatMoney(pending.amount, hold.currency)}` : null;
  const said = error ? `${error.code}: ${error.message}` : 'no error recorded';
  switch (kind) {
    case 'needs_attention':
      return `${call ? `The ${call} has an open outcome` : 'Flagged'} (${said}). Check the gateway's console, then record what it shows.`;
    case 'outcome_open':
      return `The ${call ?? 'call'} may have happened: ${pending?.unknownAttempts ?? 0} attempt(s) without a definitive answer (${said}). ` +
        `Retried under the same key${pending?.retryAt ? ` at ${formatTime(pending.retryAt)}` : ''}; nothing is sent from ${formatTime(pending?.deadline ?? hold.expiresAt)}.`;
    case 'capture_declined':
      // A declined capture turns the plan into a void; an operator may have set it back since.
      return `The gateway declined the capture at ${formatTime(error?.at)} (${said}). At actBy ${formatTime(hold.actBy)} the sweeper will ${hold.onExpiry} it.`;
    default: {
      const never: never = kind;
      throw new Error(`unhandled attention kind ${String(never)}`);
    }
  }
}
