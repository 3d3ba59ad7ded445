// What the sweeper does with one due hold: a pure decision from the stored snapshot and the time.
import type { ExtensionMethod, HoldContext, HoldState, Operation } from './hold.machine.js';
import { captureRefusal, isPastExpiry, remainingAmount } from './hold-rules.js';

/** The sweeper's decision for one hold. */
export type Plan =
  /** Past expiresAt: mark it (an open hold becomes expired, an unknown in-flight call is flagged); no gateway call. */
  | { kind: 'expire' }
  | { kind: 'capture'; amount: number }
  | { kind: 'void' }
  /** Reauthorize the authorization (add nothing, extend its validity); nothing is sent from `deadline` on. */
  | { kind: 'extend'; deadline: number }
  /** Replace the authorization by a new one on the stored card (a new hold); nothing is sent from `deadline` on. */
  | { kind: 'replace'; deadline: number }
  /** A replacement is in flight: apply its hold's outcome, if it has one, to the hold it replaces (at its deadline, with none, stop waiting). */
  | { kind: 'settle' }
  /** An in-flight call whose outcome is unknown or was interrupted: send it again under the same key. */
  | { kind: 'retry'; operation: Exclude<Operation, 'replace'> }
  /** An in-flight call that cannot be re-sent: hand it to an operator. */
  | { kind: 'flag'; reason: string }
  /** Nothing to do after all (closed, or not due yet): give the lease back. */
  | { kind: 'skip'; reason: string };

export interface PlanInput {
  state: HoldState;
  context: HoldContext;
  actBy: number | null;
  /** Whether the gateway can re-send this hold's authorization without card data (a stored subscription). */
  canResendAuthorize: boolean;
  /** Whether the gateway can reauthorize this hold (an extend plan falls back when it cannot). */
  canReauthorize?: boolean;
  /** Whether the gateway can authorize a replacement on this hold's stored card (a subscription). */
  canReplace?: boolean;
  /** The last moment a reauthorization may be sent (see extensionDeadline); null: none may. */
  extensionDeadline?: number | null;
}

/** Decides what to do with a due hold at `now`. */
export function planFor(input: PlanInput, now: number): Plan {
  const { state, context } = input;
  switch (state) {
    case 'authorized':
    case 'partially_captured': {
      if (context.remainderReleased) return { kind: 'skip', reason: 'closed' };
      if (isPastExpiry(context, now)) return { kind: 'expire' };
      // A replaced authorization is released as soon as it can be (its funds are the replacement's now).
      if (context.replacedBy !== null) {
        if (context.lastError?.operation === 'void' && context.lastError.code !== 'NOT_SENT') return { kind: 'skip', reason: 'the gateway refused the release; it lapses at expiresAt' };
        return { kind: 'void' };
      }
      // An extend plan's holdUntil makes the hold due for its fallback even before actBy.
      const holdUntilReached = context.onExpiry === 'extend' && context.holdUntil !== null && now >= context.holdUntil;
      if (!holdUntilReached && (input.actBy === null || now < input.actBy)) return { kind: 'skip', reason: 'not due yet' };
      if (context.lastError?.operation === 'void' && context.lastError.code !== 'NOT_SENT') {
        return { kind: 'skip', reason: 'the gateway refused the void; the hold lapses at expiresAt' };
      }
      let plan = context.onExpiry;
      if (plan === 'extend') {
        // Keep the funds while the order still needs them and an extension can be sent in time;
        // otherwise (holdUntil reached, no time left, no way to extend here) the fallback, now.
        const deadline = input.extensionDeadline ?? null;
        const needed = context.holdUntil !== null && now < context.holdUntil;
        const method = extensionMethod(context.extendBy, input.canReauthorize === true, input.canReplace === true);
        if (needed && method !== null && deadline !== null && now < deadline && state === 'authorized' && context.captureCount === 0) {
          return method === 'reauthorization' ? { kind: 'extend', deadline } : { kind: 'replace', deadline };
        }
        plan = context.fallback;
      }
      if (plan === 'void') return { kind: 'void' };
      const amount = (context.onExpiry === 'extend' ? null : context.onExpiryAmount) ?? remainingAmount(context);
      // A planned amount the rules no longer allow (e.g. after other captures) releases instead of guessing.
      if (amount <= 0 || captureRefusal(context, amount, now) !== null) return { kind: 'void' };
      return { kind: 'capture', amount };
    }
    case 'capturing':
    case 'voiding':
    case 'extending': {
      const pending = context.pending;
      if (!pending) return { kind: 'flag', reason: `${state} without a pending operation` };
      // Waiting on a replacement: its outcome is applied first, even past the deadline (a replacement
      // authorized in time is kept, not orphaned); with none, the sweeper stops the wait at the deadline.
      if (pending.operation === 'replace') return { kind: 'settle' };
      // Nothing is sent from the deadline on: an open outcome then goes to an operator.
      if (pastDeadline(pending, context, now)) return { kind: 'expire' };
      if (pending.retryAt !== null && now < pending.retryAt) return { kind: 'skip', reason: 'retry not due yet' };
      return { kind: 'retry', operation: pending.operation };
    }
    case 'authorizing': {
      const pending = context.pending;
      if (!pending) return { kind: 'flag', reason: 'authorizing without a pending operation' };
      if (pastDeadline(pending, context, now)) return { kind: 'expire' };
      if (!input.canResendAuthorize) {
        return { kind: 'flag', reason: 'the authorization outcome is open and it cannot be re-sent without the card data holdfast never stores' };
      }
      if (pending.unknownAttempts >= MAX_AUTHORIZE_RETRIES) {
        return { kind: 'flag', reason: `the authorization outcome stayed open after ${pending.unknownAttempts} attempts` };
      }
      if (pending.retryAt !== null && now < pending.retryAt) return { kind: 'skip', reason: 'retry not due yet' };
      return { kind: 'retry', operation: 'authorize' };
    }
    case 'needs_attention':
      // Flagged while waiting on its replacement: the replacement's outcome, once there, is still applied.
      if (context.pending?.operation === 'replace') return { kind: 'settle' };
      return { kind: 'skip', reason: `${state} needs nothing from the sweeper` };
    case 'captured':
    case 'voided':
    case 'replaced':
    case 'expired':
    case 'declined':
      return { kind: 'skip', reason: `${state} needs nothing from the sweeper` };
    default: {
      const never: never = state;
      throw new Error(`unhandled state ${String(never)}`);
    }
  }
}

/**
 * How a hold is extended: the method it asked for when this gateway and hold allow it, else
 * reauthorization where the gateway has one, else replacement; null when neither is possible.
 */
export function extensionMethod(asked: ExtensionMethod | null, canReauthorize: boolean, canReplace: boolean): ExtensionMethod | null {
  if (asked === 'reauthorization') return canReauthorize ? asked : null;
  if (asked === 'replacement') return canReplace ? asked : null;
  return canReauthorize ? 'reauthorization' : canReplace ? 'replacement' : null;
}

function pastDeadline(pending: NonNullable<HoldContext['pending']>, context: HoldContext, now: number): boolean {
  const deadline = pending.deadline ?? context.expiresAt;
  return deadline === null || now >= deadline;
}

/** Open authorization outcomes are retried this many times before an operator is asked. */
export const MAX_AUTHORIZE_RETRIES = 5;
