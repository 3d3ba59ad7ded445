// When the sweeper must next look at a hold. Two instants, both kept on indexes so the claim touches
// due holds only: `nextActionAt`, due once now reaches it whatever the lead time (a retry, a pause
// after a call that was not sent, an own actBy, the expiry), and `policyDueAt`, the expiry of an open
// hold that follows the lead-time policy — due once now + lead time reaches it, so a change of the
// lead time moves every such hold without rewriting a row.
import type { HoldContext, HoldState } from './hold.machine.js';

/** How long an in-flight call may run before a sweeper treats it as interrupted and resumes it. */
export const IN_FLIGHT_GRACE_MS = 60_000;

/** How long after a call that was never sent (gateway unreachable) the sweeper tries again. */
export const NOT_SENT_RETRY_MS = 60_000;

/** The two due instants of a hold (null: never). */
export interface DueInstants {
  nextActionAt: number | null;
  policyDueAt: number | null;
}

const NEVER: DueInstants = { nextActionAt: null, policyDueAt: null };

/** When a hold in (state, context) with an own actBy (or null: policy) is next due. */
export function nextActionAt(state: HoldState, context: HoldContext, ownActBy: number | null, now: number): DueInstants {
  switch (state) {
    case 'authorized':
      return openHoldDue(context, ownActBy, now);
    case 'partially_captured':
      return context.remainderReleased ? NEVER : openHoldDue(context, ownActBy, now);
    case 'authorizing':
    case 'capturing':
    case 'voiding':
    case 'extending': {
      // Waiting on a replacement hold: due at the deadline, or sooner when the replacement's outcome
      // arrives (its write makes this hold due; see makeReplacedHoldDue).
      if (context.pending?.operation === 'replace') return { nextActionAt: context.pending.deadline, policyDueAt: null };
      // A retry when one is scheduled, else a grace for the call in flight — and never after the
      // deadline, when an open outcome must go to an operator.
      const at = context.pending?.retryAt ?? now + IN_FLIGHT_GRACE_MS;
      const deadline = context.pending?.deadline ?? context.expiresAt;
      return { nextActionAt: deadline === null ? at : Math.min(at, deadline), policyDueAt: null };
    }
    case 'captured':
    case 'voided':
    case 'replaced':
    case 'expired':
    case 'declined':
    case 'needs_attention':
      return NEVER;
    default: {
      const never: never = state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}

// An open hold is due at its actBy (own, or expiresAt − lead); after a call that was never sent, not
// before a pause (so an unreachable gateway is not hammered); and always at expiresAt, when it must be
// expired. After a refused void, only at expiresAt.
function openHoldDue(context: HoldContext, ownActBy: number | null, now: number): DueInstants {
  const expiresAt = context.expiresAt;
  if (expiresAt === null) return NEVER;
  const error = context.lastError;
  // The gateway refused to release the hold: nothing more to send; it lapses at expiresAt.
  if (error?.operation === 'void' && error.code !== 'NOT_SENT') return { nextActionAt: expiresAt, policyDueAt: null };
  if (error?.code === 'NOT_SENT') {
    const retryAt = Math.max(ownActBy ?? 0, error.at + NOT_SENT_RETRY_MS);
    return { nextActionAt: Math.min(retryAt, expiresAt), policyDueAt: null };
  }
  // A replaced authorization is released now (its funds belong to the replacement).
  if (context.replacedBy !== null) return { nextActionAt: Math.min(now, expiresAt), policyDueAt: null };
  if (ownActBy !== null) return { nextActionAt: Math.min(ownActBy, expiresAt), policyDueAt: null };
  // An extend plan is due at actBy (to reauthorize) and also at holdUntil (to apply its fallback).
  if (context.onExpiry === 'extend' && context.holdUntil !== null) {
    return { nextActionAt: Math.min(context.holdUntil, expiresAt), policyDueAt: expiresAt };
  }
  return { nextActionAt: expiresAt, policyDueAt: expiresAt };
}

/**
 * The last moment a reauthorization started at actBy may be sent: halfway through the lead time, so
 * that the other half is left for the fallback plan (capture or void) and its retries.
 */
export function extensionDeadline(expiresAt: number, leadTimeMs: number): number {
  return expiresAt - Math.floor(leadTimeMs / 2);
}

/** The actBy a hold works to: its own, else expiresAt − the lead time (null until authorized). */
export function effectiveActBy(ownActBy: number | null, expiresAt: number | null, leadTimeMs: number): number | null {
  if (ownActBy !== null) return ownActBy;
  return expiresAt === null ? null : expiresAt - leadTimeMs;
}
