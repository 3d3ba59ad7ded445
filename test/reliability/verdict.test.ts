// The verdict function on hand-made holds and ledger entries: each verdict reachable, double effects
// always a mismatch, and "lapsed" only when the ledger does not contradict the flag.
import { describe, expect, it } from 'vitest';
import type { SimAuthorizationSummary } from '../../src/simulator/index.js';
import { verdict, type HoldOutcome, type Intent } from './verdict.js';

const hold = (state: string, capturedAmount = 0, gatewayRef: string | null = 'T1'): HoldOutcome => ({ state, amount: 1_000, capturedAmount, gatewayRef });
const ledger = (captures: number[], voids = 0): SimAuthorizationSummary => ({
  gateway: 'kushki', ref: 'T1', orderId: null, currency: 'USD', authorizedAmount: 1_000, authorizedAt: 0, expiresAt: 10,
  status: voids > 0 ? 'voided' : captures.length > 0 ? 'captured' : 'authorized',
  capturedAmount: captures.reduce((s, c) => s + c, 0), captureCount: captures.length, voidCount: voids, effectsAfterExpiry: 0, tookEffectAfterExpiry: false,
});
const ALL: Intent = { kind: 'capture-all' };
const PART: Intent = { kind: 'capture-part', amount: 400 };
const VOID: Intent = { kind: 'void' };

describe('verdict', () => {
  it('ok when the hold agrees with its intent and with the ledger', () => {
    expect(verdict(ALL, hold('captured', 1_000), ledger([1_000]))).toBe('ok');
    expect(verdict(PART, hold('partially_captured', 400), ledger([400]))).toBe('ok');
    expect(verdict(VOID, hold('voided'), ledger([], 1))).toBe('ok');
    expect(verdict({ kind: 'operator-capture', amount: 700 }, hold('partially_captured', 700), ledger([700]))).toBe('ok');
    expect(verdict({ kind: 'capture-declined-void' }, hold('voided'), ledger([], 1))).toBe('ok');
  });

  it('wrong when the hold agrees with the ledger but not with the intent', () => {
    expect(verdict(VOID, hold('captured', 1_000), ledger([1_000]))).toBe('wrong');
    expect(verdict(ALL, hold('voided'), ledger([], 1))).toBe('wrong');
    expect(verdict(PART, hold('captured', 1_000), ledger([1_000]))).toBe('wrong');
    expect(verdict(ALL, hold('authorized'), ledger([]))).toBe('wrong');
    expect(verdict(ALL, hold('declined', 0, null), undefined)).toBe('wrong');
  });

  it('mismatch when the hold disagrees with the ledger, and for every double effect', () => {
    expect(verdict(ALL, hold('captured', 1_000), ledger([]))).toBe('mismatch');
    expect(verdict(ALL, hold('captured', 1_000), ledger([900]))).toBe('mismatch');
    expect(verdict(VOID, hold('voided'), ledger([1_000]))).toBe('mismatch');
    expect(verdict(ALL, hold('captured', 1_000), ledger([1_000, 1_000]))).toBe('mismatch');
    expect(verdict(VOID, hold('voided'), ledger([1_000], 1))).toBe('mismatch');
    expect(verdict(VOID, hold('needs_attention'), ledger([], 2))).toBe('mismatch');
    expect(verdict(ALL, hold('capturing'), ledger([1_000]))).toBe('mismatch');
    expect(verdict(ALL, hold('captured', 1_000), undefined)).toBe('mismatch');
  });

  it('lapsed when the hold is flagged honestly, mismatch when the ledger contradicts "expired"', () => {
    expect(verdict(ALL, hold('expired'), ledger([]))).toBe('lapsed');
    expect(verdict(ALL, hold('needs_attention'), ledger([1_000]))).toBe('lapsed');
    expect(verdict(ALL, hold('needs_attention'), ledger([]))).toBe('lapsed');
    expect(verdict(ALL, hold('expired'), ledger([1_000]))).toBe('mismatch');
  });
});
