// The sweeper's pure decision for replacement authorizations: which way an extend plan goes, when a
// waiting hold is settled, and that a replaced authorization is released (once).
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { holdMachine, type HoldEvent } from '../../machines/hold.machine.js';
import { extensionMethod, planFor, type PlanInput } from '../../machines/sweep-plan.js';

const EXPIRES_AT = 1_000_000;
const DEADLINE = EXPIRES_AT - 500;
const at = 10;

function snapshotAfter(...events: HoldEvent[]) {
  let [s] = initialTransition(holdMachine, { currency: 'PEN', requestedAmount: 6000, capabilities: { maxCaptures: 1, overcaptureBps: 1000 }, idempotencyKey: 'k', onExpiry: 'void', at: 0, deadline: EXPIRES_AT });
  for (const event of events) {
    expect(s.can(event), event.type).toBe(true);
    [s] = transition(holdMachine, s, event);
  }
  return s;
}

const AUTHORIZED: HoldEvent = { type: 'AUTHORIZED', amount: 6000, authorizedAt: 0, expiresAt: EXPIRES_AT, at };
const EXTEND_PLAN = (extendBy: 'reauthorization' | 'replacement' | null): HoldEvent => ({ type: 'SET_ON_EXPIRY', onExpiry: 'extend', amount: null, holdUntil: EXPIRES_AT * 3, fallback: 'capture', extendBy, at });
const REPLACE: HoldEvent = { type: 'REPLACE', replacementId: 'h-2', amount: 6000, idempotencyKey: 'k-repl', deadline: DEADLINE, at };
const REPLACED: HoldEvent = { type: 'REPLACED', replacementId: 'h-2', amount: 6000, expiresAt: EXPIRES_AT * 2, idempotencyKey: 'k-release', at };

function plan(s: ReturnType<typeof snapshotAfter>, now: number, more: Partial<PlanInput> = {}) {
  return planFor({ state: s.value as PlanInput['state'], context: s.context, actBy: DEADLINE - 500, canResendAuthorize: true, canReauthorize: false, canReplace: true, extensionDeadline: DEADLINE, ...more }, now);
}

describe('sweep plan: replacement authorizations', () => {
  it('chooses the method asked for when possible, else reauthorization, else replacement', () => {
    expect(extensionMethod(null, true, true)).toBe('reauthorization');
    expect(extensionMethod(null, false, true)).toBe('replacement');
    expect(extensionMethod(null, false, false)).toBeNull();
    expect(extensionMethod('replacement', true, true)).toBe('replacement');
    expect(extensionMethod('replacement', true, false)).toBeNull();
    expect(extensionMethod('reauthorization', false, true)).toBeNull();
  });

  it('replaces at actBy, until the deadline; after it, or when it cannot, the fallback', () => {
    const planned = snapshotAfter(AUTHORIZED, EXTEND_PLAN('replacement'));
    expect(plan(planned, DEADLINE - 500)).toEqual({ kind: 'replace', deadline: DEADLINE });
    expect(plan(planned, DEADLINE - 1_000)).toEqual({ kind: 'skip', reason: 'not due yet' });
    expect(plan(planned, DEADLINE).kind).toBe('capture');
    expect(plan(planned, DEADLINE - 500, { canReplace: false, canReauthorize: true }).kind).toBe('capture');
    expect(plan(snapshotAfter(AUTHORIZED, EXTEND_PLAN(null)), DEADLINE - 500, { canReauthorize: true })).toEqual({ kind: 'extend', deadline: DEADLINE });
  });

  it('settles a hold waiting on its replacement (flagged or not), also past its deadline: a replacement authorized in time is applied first', () => {
    const waiting = snapshotAfter(AUTHORIZED, EXTEND_PLAN('replacement'), REPLACE);
    expect(plan(waiting, at + 1)).toEqual({ kind: 'settle' });
    expect(plan(waiting, DEADLINE)).toEqual({ kind: 'settle' });
    const flagged = snapshotAfter(AUTHORIZED, EXTEND_PLAN('replacement'), REPLACE, { type: 'FLAG', reason: 'x', at });
    expect(plan(flagged, at + 1)).toEqual({ kind: 'settle' });
  });

  it('sends the release of a replaced authorization at once when an earlier one was never sent; at expiresAt it lapses', () => {
    const released = snapshotAfter(AUTHORIZED, EXTEND_PLAN('replacement'), REPLACE, REPLACED, { type: 'OPERATION_NOT_SENT', code: 'GATEWAY_UNAVAILABLE', reason: 'ECONNREFUSED', resumed: false, retryAt: at, at });
    expect(released.value).toBe('authorized');
    expect(plan(released, at + 1)).toEqual({ kind: 'void' });
    expect(plan(released, EXPIRES_AT)).toEqual({ kind: 'expire' });
    const done = snapshotAfter(AUTHORIZED, EXTEND_PLAN('replacement'), REPLACE, REPLACED, { type: 'VOID_APPROVED', at });
    expect(plan(done, at + 1).kind).toBe('skip');
  });
});
