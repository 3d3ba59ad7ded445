// Replacement authorizations, the pure part: what a replacement hold's state says about the hold it
// replaces, and the plan it takes over once adopted. The host (src/engine/replacement.ts) reads both
// holds and commits the events these name.
import type { HoldContext, HoldEvent, HoldState } from './hold.machine.js';
import { onExpiryRefusal } from './hold-rules.js';

/** What the replacement's authorization came to, as far as the replaced hold is concerned. */
export type ReplacementVerdict =
  | { kind: 'authorized'; amount: number; expiresAt: number }
  | { kind: 'declined'; code: string; message: string }
  | { kind: 'not_sent'; code: string; message: string }
  /** Still in flight, or flagged with its outcome unknown: the replaced hold keeps waiting (until its deadline). */
  | { kind: 'open' };

/** The verdict of a replacement hold in (state, context) with this expiry. */
export function replacementVerdict(state: HoldState, context: HoldContext, expiresAt: number | null): ReplacementVerdict {
  if (context.authorizedAt !== null && expiresAt !== null) return { kind: 'authorized', amount: context.amount, expiresAt };
  if (state === 'declined') {
    const error = context.lastError ?? { code: 'DECLINED', message: 'the replacement authorization was declined' };
    return error.code === 'NOT_SENT' ? { kind: 'not_sent', code: error.code, message: error.message } : { kind: 'declined', code: error.code, message: error.message };
  }
  return { kind: 'open' };
}

/**
 * The plan a replacement takes over from the hold it replaces, at `at`: the same plan when the rules
 * still allow it on the new authorization; an extend plan whose holdUntil has passed becomes its
 * fallback; a capture amount the new total no longer allows becomes "everything capturable".
 */
export function adoptedPlan(original: HoldContext, replacement: HoldContext, at: number): Extract<HoldEvent, { type: 'SET_ON_EXPIRY' }> {
  if (original.onExpiry === 'extend') {
    if (original.holdUntil !== null && original.holdUntil > at) {
      return { type: 'SET_ON_EXPIRY', onExpiry: 'extend', amount: null, holdUntil: original.holdUntil, fallback: original.fallback, extendBy: original.extendBy, at };
    }
    return { type: 'SET_ON_EXPIRY', onExpiry: original.fallback, amount: null, at };
  }
  const amount = original.onExpiry === 'capture' && original.onExpiryAmount !== null && onExpiryRefusal(replacement, 'capture', original.onExpiryAmount, at) === null ? original.onExpiryAmount : null;
  return { type: 'SET_ON_EXPIRY', onExpiry: original.onExpiry, amount, at };
}
