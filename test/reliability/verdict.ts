// The verdict on one hold: its final state compared with what the order system meant to happen
// (the intent) and with what the gateway really did (the simulator's permissive ledger, which
// records every capture and void it receives, so a double send shows up as a double effect).
import type { SimAuthorizationSummary } from '../../src/simulator/index.js';

/** What the order system meant to happen to a hold. */
export type Intent =
  | { kind: 'capture-all' }
  | { kind: 'capture-part'; amount: number }
  | { kind: 'void' }
  | { kind: 'operator-capture'; amount: number }
  | { kind: 'capture-declined-void' };

/**
 * ok: agrees with the intent and the ledger. lapsed: honestly flagged (expired, needs_attention)
 * and not contradicted by the ledger. wrong: agrees with the ledger, not with the intent.
 * mismatch: disagrees with the ledger (or the ledger shows a double effect).
 */
export type Verdict = 'ok' | 'lapsed' | 'wrong' | 'mismatch';

/** The parts of a hold a verdict reads. */
export interface HoldOutcome {
  state: string;
  amount: number;
  capturedAmount: number;
  gatewayRef: string | null;
}

/** True when the ledger shows more than one money movement on one authorization. */
export function doubleEffect(ledger: SimAuthorizationSummary | undefined): boolean {
  return ledger !== undefined && ledger.captureCount + ledger.voidCount > 1;
}

/** Judges one hold against its intent and the gateway's ledger entry for its authorization (undefined: none). */
export function verdict(intent: Intent, hold: HoldOutcome, ledger: SimAuthorizationSummary | undefined): Verdict {
  if (ledger === undefined) {
    // No authorization at the gateway: only a hold that says so (never authorized) agrees.
    return hold.gatewayRef === null && (hold.state === 'declined' || hold.state === 'needs_attention') ? (hold.state === 'needs_attention' ? 'lapsed' : 'wrong') : 'mismatch';
  }
  if (doubleEffect(ledger)) return 'mismatch';
  const captured = ledger.captureCount === 1 ? ledger.capturedAmount : 0;
  const effects = ledger.captureCount + ledger.voidCount;
  switch (hold.state) {
    case 'captured':
    case 'partially_captured':
      if (ledger.captureCount !== 1 || captured !== hold.capturedAmount) return 'mismatch';
      break;
    case 'voided':
      if (ledger.voidCount !== 1) return 'mismatch';
      break;
    case 'needs_attention':
      // Flagged for an operator: at most the one effect it was unsure about.
      return 'lapsed';
    case 'expired':
      return effects === 0 ? 'lapsed' : 'mismatch';
    default:
      // Not terminal (authorized, in flight, declined): agrees only if nothing moved.
      return effects === 0 ? 'wrong' : 'mismatch';
  }
  return meetsIntent(intent, hold) ? 'ok' : 'wrong';
}

function meetsIntent(intent: Intent, hold: HoldOutcome): boolean {
  switch (intent.kind) {
    case 'capture-all':
      return hold.state === 'captured' && hold.capturedAmount === hold.amount;
    case 'capture-part':
      return hold.state === 'partially_captured' && hold.capturedAmount === intent.amount;
    case 'operator-capture':
      return (hold.state === 'captured' || hold.state === 'partially_captured') && hold.capturedAmount === intent.amount;
    case 'void':
    case 'capture-declined-void':
      return hold.state === 'voided';
    default: {
      const never: never = intent;
      return never;
    }
  }
}
