// The machine on its own: every state against every event, the guards at their boundaries, and the
// reachability of every state, without a database or a clock.
import { describe, it, expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from '@xstate/graph';
import {
  holdMachine,
  HOLD_STATES,
  type HoldEvent,
  type HoldState,
} from '../../machines/hold.machine.js';
import { captureRefusal, maxCapturable, voidRefusal } from '../../machines/hold-rules.js';

const EXPIRES_AT = 1_000_000;
const single = { maxCaptures: 1, overcaptureBps: 1000 };
const multi = { maxCaptures: 3, overcaptureBps: 0 };

type Snap = ReturnType<typeof initialTransition<typeof holdMachine>>[0];

const input = (capabilities = single) => ({ currency: 'PEN', requestedAmount: 6000, capabilities, idempotencyKey: 'k-auth', onExpiry: 'void' as const, at: 0, deadline: EXPIRES_AT });

function start(capabilities = single): Snap {
  return initialTransition(holdMachine, input(capabilities))[0];
}

function run(snapshot: Snap, ...events: HoldEvent[]): Snap {
  let s = snapshot;
  for (const event of events) {
    expect(s.can(event), `${String(s.value)} should accept ${event.type}`).toBe(true);
    s = transition(holdMachine, s, event)[0];
  }
  return s;
}

const at = 10;
const E = {
  AUTHORIZED: { type: 'AUTHORIZED', amount: 6000, authorizedAt: 0, expiresAt: EXPIRES_AT, at },
  CAPTURE: { type: 'CAPTURE', amount: 6000, final: false, idempotencyKey: 'k-cap', at },
  CAPTURE_PARTIAL: { type: 'CAPTURE', amount: 2000, final: false, idempotencyKey: 'k-cap', at },
  CAPTURE_APPROVED: { type: 'CAPTURE_APPROVED', amount: 6000, at },
  CAPTURE_APPROVED_PARTIAL: { type: 'CAPTURE_APPROVED', amount: 2000, at },
  VOID: { type: 'VOID', idempotencyKey: 'k-void', at },
  VOID_APPROVED: { type: 'VOID_APPROVED', at },
  OPERATION_DECLINED: { type: 'OPERATION_DECLINED', code: '017', message: 'declined', at },
  OPERATION_NOT_SENT: { type: 'OPERATION_NOT_SENT', code: 'GATEWAY_UNAVAILABLE', reason: 'ECONNREFUSED', resumed: false, retryAt: at + 15_000, at },
  NOT_SENT_RESUMED: { type: 'OPERATION_NOT_SENT', code: 'GATEWAY_UNAVAILABLE', reason: 'HTTP 429', resumed: true, retryAt: at + 15_000, at },
  OUTCOME_UNKNOWN: { type: 'OUTCOME_UNKNOWN', reason: 'timeout', retryAt: at + 15_000, at },
  EXPIRE: { type: 'EXPIRE', at: EXPIRES_AT },
  SET_ON_EXPIRY: { type: 'SET_ON_EXPIRY', onExpiry: 'capture', amount: null, at },
  FLAG: { type: 'FLAG', reason: 'no answer', at },
  RETRY: { type: 'RETRY', at },
  RESEND_AUTHORIZE: { type: 'RESEND_AUTHORIZE', deadline: EXPIRES_AT, at },
  RESOLVE_CAPTURED: { type: 'RESOLVE', resolution: 'captured', amount: 6000, reason: 'console shows a capture', at },
  RESOLVE_VOIDED: { type: 'RESOLVE', resolution: 'voided', amount: null, reason: 'console shows a void', at },
  RESOLVE_NOT_CAPTURED: { type: 'RESOLVE', resolution: 'not_captured', amount: null, reason: 'console shows nothing', at },
  EXTEND: { type: 'EXTEND', amount: 0, idempotencyKey: 'k-reauth', deadline: EXPIRES_AT - 500, at },
  REAUTHORIZED: { type: 'REAUTHORIZED', amount: 0, ref: 'r-1', reauthorizedAt: at, expiresAt: EXPIRES_AT + 600, at },
  REPLACE: { type: 'REPLACE', replacementId: 'h-2', amount: 6000, idempotencyKey: 'k-repl', deadline: EXPIRES_AT - 500, at },
  REPLACED: { type: 'REPLACED', replacementId: 'h-2', amount: 6000, expiresAt: EXPIRES_AT + 600, idempotencyKey: 'k-release', at },
  REPLACED_OTHER: { type: 'REPLACED', replacementId: 'h-3', amount: 6000, expiresAt: EXPIRES_AT + 600, idempotencyKey: 'k-release', at },
} as const satisfies Record<string, HoldEvent>;
type EventName = keyof typeof E;

/** One representative snapshot per state (and the variants whose guards differ). */
const SAMPLES: Record<string, () => Snap> = {
  authorizing: () => start(),
  'authorizing (after unknown)': () => run(start(), E.OUTCOME_UNKNOWN),
  authorized: () => run(start(), E.AUTHORIZED),
  capturing: () => run(start(), E.AUTHORIZED, E.CAPTURE),
  'capturing (after unknown)': () => run(start(), E.AUTHORIZED, E.CAPTURE, E.OUTCOME_UNKNOWN),
  'partially_captured (closed)': () => run(start(), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL),
  'partially_captured (open)': () => run(start(multi), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL),
  captured: () => run(start(), E.AUTHORIZED, E.CAPTURE, E.CAPTURE_APPROVED),
  voiding: () => run(start(), E.AUTHORIZED, E.VOID),
  voided: () => run(start(), E.AUTHORIZED, E.VOID, E.VOID_APPROVED),
  expired: () => run(start(), E.AUTHORIZED, E.EXPIRE),
  declined: () => run(start(), E.OPERATION_DECLINED),
  'declined (never sent)': () => run(start(), E.OPERATION_NOT_SENT),
  'needs_attention (capture)': () => run(start(), E.AUTHORIZED, E.CAPTURE, E.OUTCOME_UNKNOWN, E.FLAG),
  'needs_attention (void)': () => run(start(), E.AUTHORIZED, E.VOID, E.OUTCOME_UNKNOWN, E.EXPIRE),
  'needs_attention (authorize)': () => run(start(), E.OUTCOME_UNKNOWN, E.FLAG),
  extending: () => run(start(), E.AUTHORIZED, E.EXTEND),
  'extending (after unknown)': () => run(start(), E.AUTHORIZED, E.EXTEND, E.OUTCOME_UNKNOWN),
  'needs_attention (reauthorize)': () => run(start(), E.AUTHORIZED, E.EXTEND, E.OUTCOME_UNKNOWN, E.FLAG),
  'extending (replace)': () => run(start(), E.AUTHORIZED, E.REPLACE),
  'needs_attention (replace)': () => run(start(), E.AUTHORIZED, E.REPLACE, E.FLAG),
  'voiding (release)': () => run(start(), E.AUTHORIZED, E.REPLACE, E.REPLACED),
  replaced: () => run(start(), E.AUTHORIZED, E.REPLACE, E.REPLACED, E.VOID_APPROVED),
  'replaced (release lapsed)': () => run(start(), E.AUTHORIZED, E.REPLACE, E.REPLACED, E.EXPIRE),
};

// Where each (state, event) leads; an event missing from a row must be refused. Guards read the
// event's own time: RETRY and RESOLVE_NOT_CAPTURED happen at `at`, before the deadline.
const IN_FLIGHT_OPEN = { OUTCOME_UNKNOWN: 'x', NOT_SENT_RESUMED: 'x', RETRY: 'x' } as const;
function inFlight(self: HoldState, back: HoldState, approvedBy: EventName, approvedTo: HoldState, afterUnknown: boolean): Partial<Record<EventName, HoldState>> {
  const open = Object.fromEntries(Object.keys(IN_FLIGHT_OPEN).map((k) => [k, self])) as Partial<Record<EventName, HoldState>>;
  return {
    ...open,
    [approvedBy]: approvedTo,
    OPERATION_DECLINED: back,
    // The ambiguity rule: "not sent" only returns a first call; after an unknown outcome it stays in flight.
    OPERATION_NOT_SENT: afterUnknown ? self : back,
    EXPIRE: 'needs_attention',
    FLAG: 'needs_attention',
  };
}
const EXPECTED: Record<string, Partial<Record<EventName, HoldState>>> = {
  authorizing: { ...inFlight('authorizing', 'declined', 'AUTHORIZED', 'authorized', false) },
  'authorizing (after unknown)': { ...inFlight('authorizing', 'declined', 'AUTHORIZED', 'authorized', true) },
  authorized: { CAPTURE: 'capturing', CAPTURE_PARTIAL: 'capturing', VOID: 'voiding', EXPIRE: 'expired', SET_ON_EXPIRY: 'authorized', EXTEND: 'extending', REPLACE: 'extending' },
  // Waiting for the replacement hold: nothing is sent from here, so a retry is refused (the
  // replacement's own authorization is retried); its outcome arrives as REPLACED or a decline.
  'extending (replace)': { ...inFlight('extending', 'authorized', 'REPLACED', 'voiding', false), RETRY: undefined },
  'needs_attention (replace)': {
    REPLACED: 'voiding', OPERATION_DECLINED: 'authorized',
    RESOLVE_CAPTURED: 'captured', RESOLVE_VOIDED: 'voided', RESOLVE_NOT_CAPTURED: 'authorized',
  },
  // The replaced authorization's release: however it ends, the hold stays replaced.
  'voiding (release)': { ...inFlight('voiding', 'authorized', 'VOID_APPROVED', 'replaced', false), OPERATION_DECLINED: 'replaced', EXPIRE: 'replaced' },
  replaced: {},
  'replaced (release lapsed)': {},
  extending: { ...inFlight('extending', 'authorized', 'REAUTHORIZED', 'authorized', false) },
  'extending (after unknown)': { ...inFlight('extending', 'authorized', 'REAUTHORIZED', 'authorized', true) },
  'needs_attention (reauthorize)': {
    REAUTHORIZED: 'authorized', OPERATION_DECLINED: 'authorized', RETRY: 'extending',
    RESOLVE_CAPTURED: 'captured', RESOLVE_VOIDED: 'voided', RESOLVE_NOT_CAPTURED: 'authorized',
  },
  capturing: { ...inFlight('capturing', 'authorized', 'CAPTURE_APPROVED', 'captured', false), CAPTURE_APPROVED_PARTIAL: 'partially_captured' },
  'capturing (after unknown)': { ...inFlight('capturing', 'authorized', 'CAPTURE_APPROVED', 'captured', true), CAPTURE_APPROVED_PARTIAL: 'partially_captured' },
  'partially_captured (closed)': {},
  'partially_captured (open)': { CAPTURE_PARTIAL: 'capturing', VOID: 'voiding', EXPIRE: 'partially_captured', SET_ON_EXPIRY: 'partially_captured' },
  captured: {},
  voiding: inFlight('voiding', 'authorized', 'VOID_APPROVED', 'voided', false),
  voided: {},
  expired: {},
  declined: {},
  'declined (never sent)': { RESEND_AUTHORIZE: 'authorizing' },
  'needs_attention (capture)': {
    CAPTURE_APPROVED: 'captured', CAPTURE_APPROVED_PARTIAL: 'partially_captured', OPERATION_DECLINED: 'expired', RETRY: 'capturing',
    RESOLVE_CAPTURED: 'captured', RESOLVE_VOIDED: 'voided', RESOLVE_NOT_CAPTURED: 'authorized',
  },
  'needs_attention (void)': {
    VOID_APPROVED: 'voided', OPERATION_DECLINED: 'expired', RETRY: 'voiding',
    RESOLVE_CAPTURED: 'captured', RESOLVE_VOIDED: 'voided', RESOLVE_NOT_CAPTURED: 'authorized',
  },
  'needs_attention (authorize)': {
    AUTHORIZED: 'authorized', OPERATION_DECLINED: 'declined', RETRY: 'authorizing', RESOLVE_VOIDED: 'voided', RESOLVE_NOT_CAPTURED: 'declined',
  },
};

describe('hold machine: every state × every event', () => {
  for (const [name, sample] of Object.entries(SAMPLES)) {
    for (const [eventName, event] of Object.entries(E) as [EventName, HoldEvent][]) {
      const expected = EXPECTED[name]?.[eventName];
      it(`${name} ${expected ? `→ ${expected} on` : 'refuses'} ${eventName}`, () => {
        const snapshot = sample();
        expect(snapshot.can(event)).toBe(expected !== undefined);
        const [next] = transition(holdMachine, snapshot, event);
        if (expected) expect(next.value).toBe(expected);
        else expect(next).toBe(snapshot); // refused: nothing changed, not even the context
      });
    }
  }

  it('covers every declared state', () => {
    const sampled = new Set(Object.keys(SAMPLES).map((k) => k.split(' ')[0]));
    expect([...sampled].sort()).toEqual([...HOLD_STATES].sort());
  });

  it('reaches every state from the initial one (graph traversal)', () => {
    const events = Object.values(E) as HoldEvent[];
    const paths = getShortestPaths(holdMachine, {
      input: input(multi),
      events,
      serializeState: (s) => JSON.stringify([s.value, s.context.capturedAmount, s.context.captureCount, s.context.remainderReleased, s.context.pending?.operation ?? null, (s.context.pending?.unknownAttempts ?? 0) > 0, s.context.lastError?.code ?? null, s.context.replacedBy !== null]),
      limit: 10_000,
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...HOLD_STATES].sort());
  });
});

describe('hold machine: the ambiguity rule', () => {
  const resumedAnswers: HoldEvent[] = [E.NOT_SENT_RESUMED, { ...E.OPERATION_NOT_SENT, code: 'GATEWAY_MISCONFIGURED', resumed: true }];

  it('never returns a resumed capture, void or authorization to its pre-call state on a not-sent answer', () => {
    for (const sample of ['capturing', 'voiding', 'authorizing'] as const) {
      for (const answer of resumedAnswers) {
        const s = run(SAMPLES[sample]!(), answer);
        expect(s.value, `${sample} on ${JSON.stringify(answer)}`).toBe(sample);
        expect(s.context.pending).toMatchObject({ unknownAttempts: 1, retryAt: at + 15_000 });
      }
    }
  });

  it('keeps the idempotency key and the amount through open answers, and ends in needs_attention at the deadline', () => {
    const s = run(start(), E.AUTHORIZED, E.CAPTURE, E.OUTCOME_UNKNOWN, E.NOT_SENT_RESUMED, E.OPERATION_NOT_SENT, E.EXPIRE);
    expect(s.value).toBe('needs_attention');
    expect(s.context.pending).toMatchObject({ idempotencyKey: 'k-cap', amount: 6000, unknownAttempts: 3 });
    expect(s.context.lastError).toMatchObject({ code: 'UNRESOLVED_AT_EXPIRY', operation: 'capture' });
  });

  it('returns a first call that was definitively not sent', () => {
    expect(run(SAMPLES.capturing!(), E.OPERATION_NOT_SENT).value).toBe('authorized');
    expect(run(start(), E.OPERATION_NOT_SENT).value).toBe('declined');
  });

  it('refuses RETRY at or after the deadline, and EXPIRE before it', () => {
    expect(SAMPLES.capturing!().can({ type: 'RETRY', at: EXPIRES_AT })).toBe(false);
    expect(SAMPLES.capturing!().can({ type: 'EXPIRE', at: EXPIRES_AT - 1 })).toBe(false);
    expect(SAMPLES['needs_attention (void)']!().can({ type: 'RETRY', at: EXPIRES_AT })).toBe(false);
  });

  it('refuses an authorization time later than the intent (a replay cannot move the window)', () => {
    const s = initialTransition(holdMachine, { ...input(), at: 500 })[0];
    expect(s.can({ ...E.AUTHORIZED, authorizedAt: 500 })).toBe(true);
    expect(s.can({ ...E.AUTHORIZED, authorizedAt: 501 })).toBe(false);
  });

  it('refuses a capture approval above what was asked, or of nothing', () => {
    const s = SAMPLES.capturing!();
    expect(s.can({ ...E.CAPTURE_APPROVED, amount: 6001 })).toBe(false);
    expect(s.can({ ...E.CAPTURE_APPROVED, amount: 0 })).toBe(false);
    expect(s.can({ ...E.CAPTURE_APPROVED, amount: 5999 })).toBe(true);
  });

  it('sends a never-sent authorization again under the same key with a fresh intent time', () => {
    const s = run(start(), E.OPERATION_NOT_SENT, { type: 'RESEND_AUTHORIZE', deadline: 2_000_000, at: 700 });
    expect(s.context.pending).toMatchObject({ idempotencyKey: 'k-auth', committedAt: 700, deadline: 2_000_000, unknownAttempts: 0 });
    expect(s.context.lastError).toBeNull();
  });
});

describe('hold machine: operator resolution', () => {
  it('records a captured resolution with its amount, and closes a partial one', () => {
    const s = run(SAMPLES['needs_attention (capture)']!(), { ...E.RESOLVE_CAPTURED, amount: 2500 });
    expect(s.value).toBe('partially_captured');
    expect(s.context).toMatchObject({ capturedAmount: 2500, captureCount: 1, remainderReleased: true, pending: null });
  });

  it('ends expired when nothing was captured and the window has closed', () => {
    const s = run(SAMPLES['needs_attention (void)']!(), { ...E.RESOLVE_NOT_CAPTURED, at: EXPIRES_AT });
    expect(s.value).toBe('expired');
  });

  it('refuses a resolution without a reason, an amount with voided, a capture above the limit, and captured for an authorization', () => {
    const capture = SAMPLES['needs_attention (capture)']!();
    expect(capture.can({ ...E.RESOLVE_CAPTURED, reason: '  ' })).toBe(false);
    expect(capture.can({ ...E.RESOLVE_VOIDED, amount: 100 })).toBe(false);
    expect(capture.can({ ...E.RESOLVE_CAPTURED, amount: 6601 })).toBe(false);
    expect(capture.can({ ...E.RESOLVE_CAPTURED, amount: 6600 })).toBe(true);
    expect(SAMPLES['needs_attention (authorize)']!().can(E.RESOLVE_CAPTURED)).toBe(false);
  });
});

describe('hold machine: effects and context', () => {
  it('emits exactly one gateway call per command, carrying the persisted pending operation', () => {
    const authorized = run(start(), E.AUTHORIZED);
    const [capturing, actions] = transition(holdMachine, authorized, E.CAPTURE);
    expect(actions.map((a) => a.type)).toEqual(['callGateway']);
    expect(actions[0]?.params).toEqual(capturing.context.pending);
    expect(capturing.context.pending).toMatchObject({ operation: 'capture', idempotencyKey: 'k-cap', amount: 6000, returnTo: 'authorized' });
    const [, retryActions] = transition(holdMachine, capturing, E.OUTCOME_UNKNOWN);
    expect(retryActions).toEqual([]);
  });

  it('keeps the idempotency key across unknown outcomes and counts them', () => {
    expect(E.OUTCOME_UNKNOWN.retryAt).toBeGreaterThan(at);
    const s = run(start(), E.AUTHORIZED, E.CAPTURE, E.OUTCOME_UNKNOWN, { ...E.OUTCOME_UNKNOWN, retryAt: 99_999 });
    expect(s.context.pending).toMatchObject({ idempotencyKey: 'k-cap', unknownAttempts: 2, retryAt: 99_999 });
  });

  it('a partial capture on a single-capture gateway releases the rest', () => {
    const s = SAMPLES['partially_captured (closed)']!();
    expect(s.context).toMatchObject({ capturedAmount: 2000, captureCount: 1, remainderReleased: true, pending: null });
  });

  it('a final partial capture on a multi-capture gateway releases the rest', () => {
    const s = run(start(multi), E.AUTHORIZED, { ...E.CAPTURE_PARTIAL, final: true }, E.CAPTURE_APPROVED_PARTIAL);
    expect(s.value).toBe('partially_captured');
    expect(s.context.remainderReleased).toBe(true);
  });

  it('voiding the remainder after a partial capture ends partially captured and closed', () => {
    const s = run(start(multi), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL, E.VOID, E.VOID_APPROVED);
    expect(s.value).toBe('partially_captured');
    expect(s.context.remainderReleased).toBe(true);
    expect(s.context.pending).toBeNull();
  });

  it('a declined capture returns to partially_captured when something was captured before', () => {
    const s = run(start(multi), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL, E.CAPTURE_PARTIAL, E.OPERATION_DECLINED);
    expect(s.value).toBe('partially_captured');
    expect(s.context.lastError).toMatchObject({ code: '017' });
  });

  it('turns the plan into a void after a declined capture, so it is never retried on its own', () => {
    const s = run(start(), E.AUTHORIZED, { type: 'SET_ON_EXPIRY', onExpiry: 'capture', amount: 5000, at }, E.CAPTURE, E.OPERATION_DECLINED);
    expect(s.value).toBe('authorized');
    expect(s.context).toMatchObject({ onExpiry: 'void', onExpiryAmount: null, lastError: { code: '017' } });
    const v = run(start(), E.AUTHORIZED, { type: 'SET_ON_EXPIRY', onExpiry: 'capture', amount: null, at }, E.VOID, E.OPERATION_DECLINED);
    expect(v.context.onExpiry).toBe('capture');
  });

  it('refuses an authorization with a window that ends before it starts', () => {
    expect(start().can({ ...E.AUTHORIZED, expiresAt: 0 })).toBe(false);
    expect(start().can({ ...E.AUTHORIZED, amount: 0 })).toBe(false);
  });
});

describe('hold machine: guard boundaries', () => {
  const authorized = () => run(start(), E.AUTHORIZED);
  const capture = (amount: number, when = at): HoldEvent => ({ type: 'CAPTURE', amount, final: false, idempotencyKey: 'k', at: when });

  it('allows exactly 110 % and refuses 110 % + 1 minor unit', () => {
    expect(maxCapturable(6000, 1000)).toBe(6600);
    expect(authorized().can(capture(6600))).toBe(true);
    expect(authorized().can(capture(6601))).toBe(false);
    expect(captureRefusal(authorized().context, 6601, at)?.code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
  });

  it('rounds the 110 % limit down for amounts that do not divide evenly', () => {
    expect(maxCapturable(7, 1000)).toBe(7); // 7.7 → 7
    expect(maxCapturable(15, 1000)).toBe(16); // 16.5 → 16
  });

  it('computes the limit exactly for amounts near 2^53', () => {
    expect(maxCapturable(8_000_000_000_000_000, 1000)).toBe(8_800_000_000_000_000);
  });

  it('refuses amounts that are not positive integers', () => {
    for (const amount of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(authorized().can(capture(amount)), String(amount)).toBe(false);
      expect(captureRefusal(authorized().context, amount, at)?.code).toBe('INVALID_AMOUNT');
    }
  });

  it('allows a capture and a void at expiresAt − 1 ms and refuses both at expiresAt', () => {
    expect(authorized().can(capture(6000, EXPIRES_AT - 1))).toBe(true);
    expect(authorized().can(capture(6000, EXPIRES_AT))).toBe(false);
    expect(authorized().can({ type: 'VOID', idempotencyKey: 'v', at: EXPIRES_AT - 1 })).toBe(true);
    expect(authorized().can({ type: 'VOID', idempotencyKey: 'v', at: EXPIRES_AT })).toBe(false);
    expect(voidRefusal(authorized().context, EXPIRES_AT)?.code).toBe('HOLD_EXPIRED');
  });

  it('expires at expiresAt and not a millisecond before', () => {
    expect(authorized().can({ type: 'EXPIRE', at: EXPIRES_AT - 1 })).toBe(false);
    expect(authorized().can({ type: 'EXPIRE', at: EXPIRES_AT })).toBe(true);
  });

  it('enforces the gateway capture count', () => {
    const twice = run(start({ maxCaptures: 2, overcaptureBps: 0 }), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL);
    expect(twice.value).toBe('partially_captured');
    expect(twice.context.remainderReleased).toBe(true);
    expect(captureRefusal(twice.context, 1, at)?.code).toBe('CAPTURE_LIMIT_REACHED');
  });

  it('checks the overcapture limit against the running total', () => {
    const s = run(start({ maxCaptures: 3, overcaptureBps: 1000 }), E.AUTHORIZED, { ...E.CAPTURE, amount: 6000 }, E.CAPTURE_APPROVED);
    expect(s.value).toBe('captured');
    const open = run(start({ maxCaptures: 3, overcaptureBps: 1000 }), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL);
    expect(open.can(capture(4600))).toBe(true);
    expect(open.can(capture(4601))).toBe(false);
  });

  it('refuses an on-expiry capture amount above the limit', () => {
    expect(authorized().can({ type: 'SET_ON_EXPIRY', onExpiry: 'capture', amount: 6600, at })).toBe(true);
    expect(authorized().can({ type: 'SET_ON_EXPIRY', onExpiry: 'capture', amount: 6601, at })).toBe(false);
    expect(authorized().can({ type: 'SET_ON_EXPIRY', onExpiry: 'void', amount: 100, at })).toBe(false);
    expect(authorized().can({ type: 'SET_ON_EXPIRY', onExpiry: 'void', amount: null, at: EXPIRES_AT })).toBe(false);
  });
});

describe('extending: a reauthorization of the same authorization', () => {
  const extendPlan: HoldEvent = { type: 'SET_ON_EXPIRY', onExpiry: 'extend', amount: null, holdUntil: EXPIRES_AT * 3, fallback: 'capture', at };

  it('applies an approval: amount added, the window restarted, the chain grows, the key cleared', () => {
    const s = run(start(), E.AUTHORIZED, extendPlan, { ...E.EXTEND, amount: 1000 }, { ...E.REAUTHORIZED, amount: 1000 });
    expect(s.value).toBe('authorized');
    expect(s.context).toMatchObject({ amount: 7000, expiresAt: EXPIRES_AT + 600, pending: null, onExpiry: 'extend', fallback: 'capture' });
    expect(s.context.reauthorizations).toEqual([{ kind: 'reauthorization', ref: 'r-1', amount: 1000, at, expiresAt: EXPIRES_AT + 600, previousExpiresAt: EXPIRES_AT }]);
    // The 110 % capture limit follows the new authorized total.
    expect(captureRefusal(s.context, 7700, at)).toBeNull();
    expect(captureRefusal(s.context, 7701, at)?.code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
  });

  it('a declined reauthorization leaves the original on its fallback plan', () => {
    const s = run(start(), E.AUTHORIZED, extendPlan, E.EXTEND, E.OPERATION_DECLINED);
    expect(s.value).toBe('authorized');
    expect(s.context).toMatchObject({ onExpiry: 'capture', amount: 6000, expiresAt: EXPIRES_AT, pending: null });
    expect(s.context.lastError).toMatchObject({ code: '017', operation: 'reauthorize' });
    // The next attempt gets a new key number: a key is never reused for another request.
    expect(s.context.reauthorizeAttempts).toBe(1);
  });

  it('an open reauthorization at its deadline is abandoned for the fallback; at expiresAt it goes to an operator', () => {
    const open = run(start(), E.AUTHORIZED, extendPlan, E.EXTEND, E.OUTCOME_UNKNOWN);
    expect(open.can({ type: 'EXPIRE', at: EXPIRES_AT - 501 })).toBe(false);
    const fallback = run(open, { type: 'EXPIRE', at: EXPIRES_AT - 500 });
    expect(fallback.value).toBe('authorized');
    expect(fallback.context).toMatchObject({ onExpiry: 'capture', pending: null, expiresAt: EXPIRES_AT, lastError: { code: 'EXTENSION_UNRESOLVED' } });
    expect(run(open, { type: 'EXPIRE', at: EXPIRES_AT }).value).toBe('needs_attention');
  });

  it('refuses an extension whose deadline is not before expiresAt, or after a capture', () => {
    const authorized = run(start(), E.AUTHORIZED);
    expect(authorized.can({ ...E.EXTEND, deadline: EXPIRES_AT + 1 })).toBe(false);
    expect(authorized.can({ ...E.EXTEND, deadline: at })).toBe(false);
    expect(authorized.can({ ...E.EXTEND, amount: -1 })).toBe(false);
    const partial = run(start(multi), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL);
    expect(partial.can(E.EXTEND)).toBe(false);
  });

  it('refuses an approval for more than was asked or dated after the intent', () => {
    const s = run(start(), E.AUTHORIZED, E.EXTEND);
    expect(s.can({ ...E.REAUTHORIZED, amount: 1 })).toBe(false);
    expect(s.can({ ...E.REAUTHORIZED, reauthorizedAt: at + 1 })).toBe(false);
  });
});
