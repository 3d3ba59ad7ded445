// The machine on its own: every state against every event, the guards at their boundaries, and the
// reachability of every state, without a database or a clock.
import { describe, it, expect } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from '@xstate/graph';
import {
  holdMachine,
  HOLD_STATES,
  type HoldEvent,
  type HoldEventType,
  type HoldState,
} from '../../machines/hold.machine.js';
import { captureRefusal, maxCapturable, voidRefusal } from '../../machines/hold-rules.js';

const EXPIRES_AT = 1_000_000;
const single = { maxCaptures: 1, overcaptureBps: 1000 };
const multi = { maxCaptures: 3, overcaptureBps: 0 };

type Snap = ReturnType<typeof initialTransition<typeof holdMachine>>[0];

function start(capabilities = single): Snap {
  return initialTransition(holdMachine, { currency: 'PEN', requestedAmount: 6000, capabilities, idempotencyKey: 'k-auth', onExpiry: 'void' })[0];
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
  AUTHORIZE_DECLINED: { type: 'AUTHORIZE_DECLINED', code: '017', message: 'declined', at },
  CAPTURE: { type: 'CAPTURE', amount: 6000, final: false, idempotencyKey: 'k-cap', at },
  CAPTURE_PARTIAL: { type: 'CAPTURE', amount: 2000, final: false, idempotencyKey: 'k-cap', at },
  CAPTURE_APPROVED: { type: 'CAPTURE_APPROVED', amount: 6000, at },
  CAPTURE_APPROVED_PARTIAL: { type: 'CAPTURE_APPROVED', amount: 2000, at },
  VOID: { type: 'VOID', idempotencyKey: 'k-void', at },
  VOID_APPROVED: { type: 'VOID_APPROVED', at },
  OPERATION_DECLINED: { type: 'OPERATION_DECLINED', code: '017', message: 'declined', at },
  OPERATION_NOT_SENT: { type: 'OPERATION_NOT_SENT', reason: 'ECONNREFUSED', at },
  OUTCOME_UNKNOWN: { type: 'OUTCOME_UNKNOWN', reason: 'timeout', retryAt: at + 15_000, at },
  EXPIRE: { type: 'EXPIRE', at: EXPIRES_AT },
  SET_ON_EXPIRY: { type: 'SET_ON_EXPIRY', onExpiry: 'capture', amount: null, at },
  FLAG: { type: 'FLAG', reason: 'no answer', at },
} as const satisfies Record<string, HoldEvent>;

/** One representative snapshot per state (and both kinds of partially_captured). */
const SAMPLES: Record<string, () => Snap> = {
  authorizing: () => start(),
  authorized: () => run(start(), E.AUTHORIZED),
  capturing: () => run(start(), E.AUTHORIZED, E.CAPTURE),
  'partially_captured (closed)': () => run(start(), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL),
  'partially_captured (open)': () => run(start(multi), E.AUTHORIZED, E.CAPTURE_PARTIAL, E.CAPTURE_APPROVED_PARTIAL),
  captured: () => run(start(), E.AUTHORIZED, E.CAPTURE, E.CAPTURE_APPROVED),
  voiding: () => run(start(), E.AUTHORIZED, E.VOID),
  voided: () => run(start(), E.AUTHORIZED, E.VOID, E.VOID_APPROVED),
  expired: () => run(start(), E.AUTHORIZED, E.EXPIRE),
  declined: () => run(start(), E.AUTHORIZE_DECLINED),
  'needs_attention (capture)': () => run(start(), E.AUTHORIZED, E.CAPTURE, E.OUTCOME_UNKNOWN, E.EXPIRE),
  'needs_attention (void)': () => run(start(), E.AUTHORIZED, E.VOID, E.OUTCOME_UNKNOWN, E.EXPIRE),
  'needs_attention (authorize)': () => run(start(), E.OUTCOME_UNKNOWN, E.FLAG),
};

const EVENT_TYPES: HoldEventType[] = [
  'AUTHORIZED', 'AUTHORIZE_DECLINED', 'CAPTURE', 'CAPTURE_APPROVED', 'VOID', 'VOID_APPROVED',
  'OPERATION_DECLINED', 'OPERATION_NOT_SENT', 'OUTCOME_UNKNOWN', 'EXPIRE', 'SET_ON_EXPIRY', 'FLAG',
];

// Where each (state, event) leads; an event missing from a row must be refused.
const EXPECTED: Record<string, Partial<Record<HoldEventType, HoldState>>> = {
  authorizing: {
    AUTHORIZED: 'authorized', AUTHORIZE_DECLINED: 'declined', OPERATION_NOT_SENT: 'declined', OUTCOME_UNKNOWN: 'authorizing',
    FLAG: 'needs_attention',
  },
  authorized: { CAPTURE: 'capturing', VOID: 'voiding', EXPIRE: 'expired', SET_ON_EXPIRY: 'authorized' },
  capturing: {
    CAPTURE_APPROVED: 'captured', OPERATION_DECLINED: 'authorized', OPERATION_NOT_SENT: 'authorized',
    OUTCOME_UNKNOWN: 'capturing', EXPIRE: 'needs_attention', FLAG: 'needs_attention',
  },
  'partially_captured (closed)': {},
  'partially_captured (open)': { CAPTURE: 'capturing', VOID: 'voiding', EXPIRE: 'partially_captured', SET_ON_EXPIRY: 'partially_captured' },
  captured: {},
  voiding: {
    VOID_APPROVED: 'voided', OPERATION_DECLINED: 'authorized', OPERATION_NOT_SENT: 'authorized',
    OUTCOME_UNKNOWN: 'voiding', EXPIRE: 'needs_attention', FLAG: 'needs_attention',
  },
  voided: {},
  expired: {},
  declined: {},
  'needs_attention (capture)': { CAPTURE_APPROVED: 'captured', OPERATION_DECLINED: 'expired' },
  'needs_attention (void)': { VOID_APPROVED: 'voided', OPERATION_DECLINED: 'expired' },
  'needs_attention (authorize)': { AUTHORIZED: 'authorized', AUTHORIZE_DECLINED: 'declined' },
};

describe('hold machine: every state × every event', () => {
  for (const [name, sample] of Object.entries(SAMPLES)) {
    for (const type of EVENT_TYPES) {
      const expected = EXPECTED[name]?.[type];
      it(`${name} ${expected ? `→ ${expected} on` : 'refuses'} ${type}`, () => {
        const snapshot = sample();
        const event = (type === 'CAPTURE' && name.includes('open') ? E.CAPTURE_PARTIAL : E[type as keyof typeof E]) as HoldEvent;
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
      input: { currency: 'PEN', requestedAmount: 6000, capabilities: multi, idempotencyKey: 'k', onExpiry: 'void' },
      events,
      serializeState: (s) => JSON.stringify([s.value, s.context.capturedAmount, s.context.captureCount, s.context.remainderReleased, s.context.pending?.operation ?? null]),
      limit: 10_000,
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual([...HOLD_STATES].sort());
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
