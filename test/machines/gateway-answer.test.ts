// The mapping from a gateway's answer to the machine event, on its own: every answer kind for a
// first and a resumed call, the evidence answers, and the checks of an approval against the hold.
import { describe, expect, it } from 'vitest';
import { authorizationTime, eventForAnswer, type AnswerFacts, type GatewayAnswer } from '../../machines/gateway-answer.js';
import type { PendingOperation } from '../../machines/hold.machine.js';

const pending = (operation: PendingOperation['operation'], over: Partial<PendingOperation> = {}): PendingOperation => ({
  operation, idempotencyKey: 'k', amount: 5000, final: true, returnTo: operation === 'authorize' ? 'declined' : 'authorized',
  unknownAttempts: 0, retryAt: null, committedAt: 100, deadline: 10_000, ...over,
});
const first: AnswerFacts = { at: 200, resumed: false, retryAt: 15_200, expectedRef: 'T1' };
const resumed: AnswerFacts = { ...first, resumed: true };
const declined = (refusal: Extract<GatewayAnswer, { kind: 'declined' }>['refusal']): GatewayAnswer => ({ kind: 'declined', code: 'K001', message: 'm', refusal });

describe('eventForAnswer', () => {
  it('maps an issuer decline to OPERATION_DECLINED, first call or resumed', () => {
    for (const facts of [first, resumed]) expect(eventForAnswer(pending('capture'), declined('issuer'), facts).type).toBe('OPERATION_DECLINED');
  });

  it('takes a request refusal as final on a first call only', () => {
    expect(eventForAnswer(pending('capture'), declined('invalid-request'), first).type).toBe('OPERATION_DECLINED');
    expect(eventForAnswer(pending('capture'), declined('invalid-request'), resumed)).toMatchObject({ type: 'OPERATION_NOT_SENT', resumed: true, retryAt: 15_200 });
    // An earlier unknown outcome makes a call resumed even when the host did not say so.
    expect(eventForAnswer(pending('capture', { unknownAttempts: 1 }), declined('invalid-request'), first).type).toBe('OPERATION_NOT_SENT');
  });

  it('treats key reuse, unavailability and misconfiguration as not processed, carrying whether the call was resumed', () => {
    for (const answer of [declined('key-reused'), { kind: 'unavailable', reason: 'ECONNREFUSED' }, { kind: 'misconfigured', code: 'K004', message: 'bad id' }] as GatewayAnswer[]) {
      expect(eventForAnswer(pending('void'), answer, first)).toMatchObject({ type: 'OPERATION_NOT_SENT', resumed: false });
      expect(eventForAnswer(pending('void'), answer, resumed)).toMatchObject({ type: 'OPERATION_NOT_SENT', resumed: true });
    }
  });

  it('reads "already captured" on a resumed capture as the capture, and anywhere else as a reason to flag', () => {
    expect(eventForAnswer(pending('capture'), declined('already-captured'), resumed)).toMatchObject({ type: 'CAPTURE_APPROVED', amount: 5000 });
    expect(eventForAnswer(pending('capture'), declined('already-captured'), first).type).toBe('FLAG');
    expect(eventForAnswer(pending('void'), declined('already-captured'), resumed).type).toBe('FLAG');
  });

  it('reads "already voided" on a void as the void, and on a capture as a reason to flag', () => {
    expect(eventForAnswer(pending('void'), declined('already-voided'), first).type).toBe('VOID_APPROVED');
    expect(eventForAnswer(pending('capture'), declined('already-voided'), resumed).type).toBe('FLAG');
  });

  it('flags a capture approval above the request, of nothing, or of another authorization', () => {
    expect(eventForAnswer(pending('capture'), { kind: 'approved', amount: 5001 }, first).type).toBe('FLAG');
    expect(eventForAnswer(pending('capture'), { kind: 'approved', amount: 0 }, first).type).toBe('FLAG');
    expect(eventForAnswer(pending('capture'), { kind: 'approved', amount: 5000, authorizationRef: 'T2' }, first).type).toBe('FLAG');
    expect(eventForAnswer(pending('capture'), { kind: 'approved', amount: 4000, authorizationRef: 'T1' }, first)).toEqual({ type: 'CAPTURE_APPROVED', amount: 4000, at: 200 });
    expect(eventForAnswer(pending('capture'), { kind: 'approved' }, first)).toEqual({ type: 'CAPTURE_APPROVED', amount: 5000, at: 200 });
  });

  it('maps an unknown outcome to OUTCOME_UNKNOWN with the retry time', () => {
    expect(eventForAnswer(pending('authorize'), { kind: 'unknown', reason: 'timeout' }, first)).toEqual({ type: 'OUTCOME_UNKNOWN', reason: 'timeout', retryAt: 15_200, at: 200 });
  });

  it('applies an authorization only with the times the host computed', () => {
    expect(eventForAnswer(pending('authorize'), { kind: 'approved', amount: 5000 }, first).type).toBe('FLAG');
    expect(eventForAnswer(pending('authorize'), { kind: 'approved', amount: 5000 }, { ...first, authorization: { authorizedAt: 100, expiresAt: 900, amount: 4000 } }))
      .toEqual({ type: 'AUTHORIZED', amount: 4000, authorizedAt: 100, expiresAt: 900, at: 200 });
  });
});

describe('authorizationTime', () => {
  it('is never later than the intent, and takes an earlier gateway time', () => {
    expect(authorizationTime(null, 1_000)).toBe(1_000);
    expect(authorizationTime(5_000, 1_000)).toBe(1_000);
    expect(authorizationTime(900, 1_000)).toBe(900);
    expect(authorizationTime(Number.NaN, 1_000)).toBe(1_000);
  });
});
