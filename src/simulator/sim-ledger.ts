// The simulated gateways' book of record. It counts EFFECTS (what a real gateway would have done to
// the cardholder's money), not requests: a replayed Idempotency-Key or a refused capture adds
// nothing. Crash and concurrency tests assert "exactly one capture per hold" against it. The ledger
// itself enforces no rule: whether a second capture is refused (strict, OneClick) or recorded
// (permissive, a multi-capture network) is decided by the routes before they record.
import type { CardType } from '../gateways/types.js';

export type SimGateway = 'kushki' | 'paycertify';
export type SimOperation = 'authorize' | 'capture' | 'void' | 'reauthorize';

/** One capture or void that took effect. */
export interface SimEffect {
  seq: number;
  at: number;
  gateway: SimGateway;
  kind: SimOperation;
  /** The authorization's reference (Kushki ticketNumber, PayCertify transaction id). */
  authorizationRef: string;
  /** The effect's own reference (Kushki issues a ticket per capture/void; PayCertify an event id). */
  effectRef: string;
  /** Minor units; for a void, what was released. */
  amount: number;
  currency: string;
  idempotencyKey: string | null;
  /** True when it took effect at or after the authorization's expiresAt (never for the authorization). */
  afterExpiry: boolean;
}

/** One authorization and everything that happened to it. */
export interface SimAuthorization {
  gateway: SimGateway;
  ref: string;
  subscriptionId: string | null;
  orderId: string | null;
  maskedCard: string;
  cardType: CardType;
  currency: string;
  requestedAmount: number;
  authorizedAmount: number;
  status: 'authorized' | 'captured' | 'voided';
  authorizedAt: number;
  /** authorizedAt + the issuer's window for this gateway and card type: funds are released then. */
  expiresAt: number;
  captures: SimEffect[];
  voids: SimEffect[];
  /** Reauthorizations that took effect: each added its amount and restarted the window. */
  reauthorizations: SimEffect[];
}

/** What really happened to one authorization's money, for a verdict against a hold's final state. */
export interface SimAuthorizationSummary {
  gateway: SimGateway;
  ref: string;
  orderId: string | null;
  currency: string;
  authorizedAmount: number;
  authorizedAt: number;
  expiresAt: number;
  /** The kind of the last effect: authorized, captured or voided. */
  status: SimAuthorization['status'];
  capturedAmount: number;
  captureCount: number;
  voidCount: number;
  /** Captures and voids that took effect at or after expiresAt. */
  effectsAfterExpiry: number;
  tookEffectAfterExpiry: boolean;
}

/** A JSON-safe copy of the whole ledger, as served on GET /__sim/ledger. */
export interface SimLedgerSnapshot {
  authorizations: SimAuthorization[];
  effects: SimEffect[];
}

/** The simulator's ledger of authorizations and effects. */
export class SimLedger {
  private readonly byRef = new Map<string, SimAuthorization>();
  private readonly log: SimEffect[] = [];
  private seq = 0;

  /** Every authorization, oldest first. */
  authorizations(): SimAuthorization[] {
    return [...this.byRef.values()].map(clone);
  }

  /** One authorization by its reference, or undefined. */
  authorization(ref: string): SimAuthorization | undefined {
    const found = this.byRef.get(ref);
    return found === undefined ? undefined : clone(found);
  }

  /** Effects in the order they happened, optionally filtered. */
  effects(filter: { ref?: string; kind?: SimOperation; gateway?: SimGateway } = {}): SimEffect[] {
    return this.log
      .filter((e) => (filter.ref === undefined || e.authorizationRef === filter.ref) && (filter.kind === undefined || e.kind === filter.kind) && (filter.gateway === undefined || e.gateway === filter.gateway))
      .map((e) => ({ ...e }));
  }

  /** How many captures took effect on an authorization. */
  captureCount(ref: string): number {
    return this.byRef.get(ref)?.captures.length ?? 0;
  }

  /** How many voids took effect on an authorization. */
  voidCount(ref: string): number {
    return this.byRef.get(ref)?.voids.length ?? 0;
  }

  /** Total captured on an authorization, in minor units. */
  capturedAmount(ref: string): number {
    return (this.byRef.get(ref)?.captures ?? []).reduce((sum, c) => sum + c.amount, 0);
  }

  /** How many captures and voids took effect on an authorization at or after its expiresAt. */
  effectsAfterExpiry(ref: string): number {
    const auth = this.byRef.get(ref);
    return auth === undefined ? 0 : [...auth.captures, ...auth.voids, ...auth.reauthorizations].filter((e) => e.afterExpiry).length;
  }

  /** True when anything took effect on an authorization at or after its expiresAt. */
  tookEffectAfterExpiry(ref: string): boolean {
    return this.effectsAfterExpiry(ref) > 0;
  }

  /** Totals for one authorization, or undefined when the ledger has no such authorization. */
  summary(ref: string): SimAuthorizationSummary | undefined {
    const auth = this.byRef.get(ref);
    if (auth === undefined) return undefined;
    const effectsAfterExpiry = this.effectsAfterExpiry(ref);
    return {
      gateway: auth.gateway,
      ref,
      orderId: auth.orderId,
      currency: auth.currency,
      authorizedAmount: auth.authorizedAmount,
      authorizedAt: auth.authorizedAt,
      expiresAt: auth.expiresAt,
      status: auth.status,
      capturedAmount: this.capturedAmount(ref),
      captureCount: auth.captures.length,
      voidCount: auth.voids.length,
      effectsAfterExpiry,
      tookEffectAfterExpiry: effectsAfterExpiry > 0,
    };
  }

  /** Totals for every authorization, oldest first. */
  summaries(): SimAuthorizationSummary[] {
    return [...this.byRef.keys()].map((ref) => this.summary(ref)!);
  }

  /** The seq of the latest entry (0 when empty): a request that raised it produced an effect. */
  lastSeq(): number {
    return this.seq;
  }

  /** A JSON-safe copy of everything. */
  snapshot(): SimLedgerSnapshot {
    return { authorizations: this.authorizations(), effects: this.effects() };
  }

  /** Forgets everything (between tests). */
  reset(): void {
    this.byRef.clear();
    this.log.length = 0;
    this.seq = 0;
  }

  /** Records an approved authorization. */
  recordAuthorization(auth: Omit<SimAuthorization, 'captures' | 'voids' | 'reauthorizations' | 'status'>, idempotencyKey: string | null): SimAuthorization {
    const record: SimAuthorization = { ...auth, status: 'authorized', captures: [], voids: [], reauthorizations: [] };
    this.byRef.set(auth.ref, record);
    this.push({ at: auth.authorizedAt, gateway: auth.gateway, kind: 'authorize', authorizationRef: auth.ref, effectRef: auth.ref, amount: auth.authorizedAmount, currency: auth.currency, idempotencyKey, afterExpiry: false });
    return clone(record);
  }

  /** Records a capture that took effect; the authorization is then captured. */
  recordCapture(ref: string, effectRef: string, amount: number, at: number, idempotencyKey: string | null): SimEffect {
    const auth = this.mustGet(ref);
    const effect = this.push({ at, gateway: auth.gateway, kind: 'capture', authorizationRef: ref, effectRef, amount, currency: auth.currency, idempotencyKey, afterExpiry: at >= auth.expiresAt });
    auth.captures.push(effect);
    auth.status = 'captured';
    return { ...effect };
  }

  /**
   * Records a reauthorization that took effect: `amount` is added to the authorized total and the
   * authorization now expires at `expiresAt` (the window restarted at `at`).
   */
  recordReauthorization(ref: string, effectRef: string, amount: number, at: number, expiresAt: number, idempotencyKey: string | null): SimEffect {
    const auth = this.mustGet(ref);
    const effect = this.push({ at, gateway: auth.gateway, kind: 'reauthorize', authorizationRef: ref, effectRef, amount, currency: auth.currency, idempotencyKey, afterExpiry: at >= auth.expiresAt });
    auth.reauthorizations.push(effect);
    auth.authorizedAmount += amount;
    auth.expiresAt = expiresAt;
    return { ...effect };
  }

  /** Records a void that took effect; the authorization is then voided. */
  recordVoid(ref: string, effectRef: string, at: number, idempotencyKey: string | null): SimEffect {
    const auth = this.mustGet(ref);
    const effect = this.push({ at, gateway: auth.gateway, kind: 'void', authorizationRef: ref, effectRef, amount: auth.authorizedAmount, currency: auth.currency, idempotencyKey, afterExpiry: at >= auth.expiresAt });
    auth.voids.push(effect);
    auth.status = 'voided';
    return { ...effect };
  }

  private mustGet(ref: string): SimAuthorization {
    const auth = this.byRef.get(ref);
    if (auth === undefined) throw new Error(`simulator ledger has no authorization ${ref}`);
    return auth;
  }

  private push(effect: Omit<SimEffect, 'seq'>): SimEffect {
    const full = { seq: ++this.seq, ...effect };
    this.log.push(full);
    return full;
  }
}

function clone(auth: SimAuthorization): SimAuthorization {
  return { ...auth, captures: auth.captures.map((c) => ({ ...c })), voids: auth.voids.map((v) => ({ ...v })), reauthorizations: auth.reauthorizations.map((r) => ({ ...r })) };
}
