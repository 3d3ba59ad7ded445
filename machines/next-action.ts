// When the sweeper must next look at a hold, stored as `next_action_at` so that its claim query
// touches due holds only.
import type { HoldContext, HoldState } from './hold.machine.js';

/** How long an in-flight call may run before a sweeper treats it as interrupted and resumes it. */
export const IN_FLIGHT_GRACE_MS = 60_000;

/** How long after a call that was never sent (gateway unreachable) the sweeper tries again. */
export const NOT_SENT_RETRY_MS = 60_000;

/** The next instant at which a hold needs attention from the sweeper, or null when none will. */
export function nextActionAt(state: HoldState, context: HoldContext, actBy: number | null, now: number): number | null {
  switch (state) {
    case 'authorized':
      return openHoldAction(context, actBy);
    case 'partially_captured':
      return context.remainderReleased ? null : openHoldAction(context, actBy);
    case 'authorizing':
    case 'capturing':
    case 'voiding': {
      // A retry when one is scheduled, else a grace for the call in flight — and never after the
      // deadline, when an open outcome must go to an operator.
      const at = context.pending?.retryAt ?? now + IN_FLIGHT_GRACE_MS;
      const deadline = context.pending?.deadline ?? context.expiresAt;
      return deadline === null ? at : Math.min(at, deadline);
    }
    case 'captured':
    case 'voided':
    case 'expired':
    case 'declined':
    case 'needs_attention':
      return null;
    default: {
      const never: never = state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}

// An open hold is due at actBy; after a call that was never sent, not before a pause (so an
// unreachable gateway is not hammered), and never later than expiresAt (when it must be expired).
// After a refused void, only at expiresAt.
function openHoldAction(context: HoldContext, actBy: number | null): number | null {
  if (actBy === null) return null;
  const error = context.lastError;
  // The gateway refused to release the hold: nothing more to send; it lapses at expiresAt.
  if (error?.operation === 'void' && error.code !== 'NOT_SENT') return context.expiresAt;
  if (error?.code !== 'NOT_SENT') return actBy;
  const retryAt = Math.max(actBy, error.at + NOT_SENT_RETRY_MS);
  return context.expiresAt === null ? retryAt : Math.min(retryAt, context.expiresAt);
}
