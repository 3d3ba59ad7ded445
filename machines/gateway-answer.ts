// What a gateway's answer to the pending call means for the hold: one pure function from the answer
// to the machine event the host applies. This is where the ambiguity rule meets the wire: an answer
// to a resumed call that does not say definitively what happened keeps the hold in flight.
import { isResumedCall, type HoldEvent, type PendingOperation } from './hold.machine.js';

/**
 * What a declined answer says about the operation:
 * - `issuer`: a final refusal of this request (card declined, funds): nothing happened;
 * - `invalid-request`: the gateway would not process the request as sent (validation, unknown
 *   reference, idempotency-key reuse); definitive for a first call only;
 * - `key-reused`: the gateway holds another request under this idempotency key and did not process
 *   this one — not a refusal of the operation, so it is handled like a call that was not sent;
 * - `already-captured` / `already-voided`: the gateway says the authorization was already
 *   captured / voided — evidence about an earlier attempt, read as what it says.
 */
export type RefusalKind = 'issuer' | 'invalid-request' | 'key-reused' | 'already-captured' | 'already-voided';

/** The parts of a gateway adapter's outcome that decide the event (adapters' outcomes fit it). */
export type GatewayAnswer =
  | { kind: 'approved'; amount?: number; authorizationRef?: string | null }
  | { kind: 'declined'; code: string; message: string; refusal: RefusalKind }
  | { kind: 'unknown'; reason: string }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'misconfigured'; code: string; message: string };

/** What the host knows beside the answer. */
export interface AnswerFacts {
  at: number;
  /** The call resumes an earlier attempt (after an unknown outcome or an interrupted process). */
  resumed: boolean;
  /** When to try again under the same key if the answer leaves the outcome open. */
  retryAt: number;
  /** The hold's authorization reference, for checking a capture approval against it. */
  expectedRef: string | null;
  /** Words an amount of the hold's currency for messages ("70.00 PEN"); default: "7000 minor units". */
  money?: (minor: number) => string;
  /** For an approved authorization: its time and expiry as the host computed them from policy. */
  authorization?: { authorizedAt: number; expiresAt: number; amount: number } | undefined;
  /** For an approved reauthorization: what it added, its reference, its time and the expiry it gives. */
  reauthorization?: { amount: number; ref: string | null; reauthorizedAt: number; expiresAt: number } | undefined;
}

/** The machine event that `answer` to `pending` means. */
export function eventForAnswer(pending: PendingOperation, answer: GatewayAnswer, facts: AnswerFacts): HoldEvent {
  const { at } = facts;
  const resumed = isResumedCall(pending, facts.resumed);
  switch (answer.kind) {
    case 'approved':
      return approvalEvent(pending, answer, facts);
    case 'declined':
      switch (answer.refusal) {
        case 'already-captured':
          // Only our own capture, resumed, can be the capture the gateway remembers.
          if (pending.operation === 'capture' && resumed) return { type: 'CAPTURE_APPROVED', amount: pending.amount, at };
          return { type: 'FLAG', reason: `the gateway says the authorization was already captured (${answer.code} ${answer.message}) while holdfast sent a ${pending.operation}`, at };
        case 'already-voided':
          if (pending.operation === 'void') return { type: 'VOID_APPROVED', at };
          return { type: 'FLAG', reason: `the gateway says the authorization was already voided (${answer.code} ${answer.message}) while holdfast sent a ${pending.operation}`, at };
        case 'key-reused':
          return open('KEY_REUSED', `the gateway did not process the ${pending.operation}: ${answer.code} ${answer.message}`, facts);
        case 'invalid-request':
          if (resumed) return open(answer.code, `the gateway refused the resumed ${pending.operation}: ${answer.code} ${answer.message}`, facts);
          return { type: 'OPERATION_DECLINED', code: answer.code, message: answer.message, at };
        case 'issuer':
          return { type: 'OPERATION_DECLINED', code: answer.code, message: answer.message, at };
        default: {
          const never: never = answer.refusal;
          throw new Error(`unhandled refusal kind ${String(never)}`);
        }
      }
    case 'misconfigured':
      return open('GATEWAY_MISCONFIGURED', `the gateway refused holdfast's credentials or merchant set-up: ${answer.code} ${answer.message}`, facts);
    case 'unavailable':
      return open('GATEWAY_UNAVAILABLE', answer.reason, facts);
    case 'unknown':
      return { type: 'OUTCOME_UNKNOWN', reason: answer.reason, retryAt: facts.retryAt, at };
    default: {
      const never: never = answer;
      throw new Error(`unhandled answer ${JSON.stringify(never)}`);
    }
  }
}

// Not processed: definitive for a first call (the hold returns), open for a resumed one (the machine decides).
function open(code: string, reason: string, facts: AnswerFacts): HoldEvent {
  return { type: 'OPERATION_NOT_SENT', code, reason, resumed: facts.resumed, retryAt: facts.retryAt, at: facts.at };
}

function approvalEvent(pending: PendingOperation, answer: Extract<GatewayAnswer, { kind: 'approved' }>, facts: AnswerFacts): HoldEvent {
  const { at } = facts;
  switch (pending.operation) {
    case 'authorize': {
      const auth = facts.authorization;
      if (!auth) return { type: 'FLAG', reason: 'the gateway approved the authorization without an amount or time holdfast can use', at };
      return { type: 'AUTHORIZED', amount: auth.amount, authorizedAt: auth.authorizedAt, expiresAt: auth.expiresAt, at };
    }
    case 'capture': {
      const amount = answer.amount ?? pending.amount;
      if (answer.authorizationRef && facts.expectedRef !== null && answer.authorizationRef !== facts.expectedRef) {
        return { type: 'FLAG', reason: `the gateway approved a capture of authorization ${answer.authorizationRef}, not of this hold's ${facts.expectedRef}; nothing was applied`, at };
      }
      if (!Number.isSafeInteger(amount) || amount <= 0 || amount > pending.amount) {
        const money = facts.money ?? ((minor: number) => `${minor} minor units`);
        const approved = Number.isSafeInteger(amount) ? money(amount) : String(amount);
        return { type: 'FLAG', reason: `the gateway approved a capture of ${approved} for a request of ${money(pending.amount)}; nothing was applied`, at };
      }
      return { type: 'CAPTURE_APPROVED', amount, at };
    }
    case 'void':
      return { type: 'VOID_APPROVED', at };
    case 'reauthorize': {
      const re = facts.reauthorization;
      if (answer.authorizationRef && facts.expectedRef !== null && answer.authorizationRef !== facts.expectedRef) {
        return { type: 'FLAG', reason: `the gateway approved a reauthorization of ${answer.authorizationRef}, not of this hold's ${facts.expectedRef}; nothing was applied`, at };
      }
      if (!re || !Number.isSafeInteger(re.amount) || re.amount < 0 || re.amount > pending.amount) {
        return { type: 'FLAG', reason: `the gateway approved a reauthorization holdfast cannot use (${re === undefined ? 'no time or amount' : `${String(re.amount)} minor units for a request of ${pending.amount}`}); nothing was applied`, at };
      }
      return { type: 'REAUTHORIZED', amount: re.amount, ref: re.ref, reauthorizedAt: re.reauthorizedAt, expiresAt: re.expiresAt, at };
    }
    case 'replace':
      // Never sent for the hold itself: its replacement hold's authorization answers (see replacementEvent).
      return { type: 'FLAG', reason: 'a gateway answer arrived for a replacement, which is never sent from the hold it replaces; nothing was applied', at };
    default: {
      const never: never = pending.operation;
      throw new Error(`unhandled operation ${String(never)}`);
    }
  }
}

/**
 * The authorization time to count the window from: the earlier of the gateway's own time (adapters
 * pass it only when plausible) and the intent's commit time — never the moment the answer arrived,
 * so that a replay after an outage cannot move the window past the issuer's.
 */
export function authorizationTime(gatewayTime: number | null, committedAt: number): number {
  if (gatewayTime === null || !Number.isFinite(gatewayTime)) return committedAt;
  return Math.min(Math.trunc(gatewayTime), committedAt);
}
