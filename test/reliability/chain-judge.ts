// The judge of replacement chains (replacement-crash and replacement-concurrency): one order's holds,
// linked by replaces/replacedBy, against the simulator's permissive ledger and request log, an
// oracle holdfast does not control. Counted figures and the rules they break.
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { Hold } from '../../machines/hold-types.js';
import type { HoldState } from '../../machines/hold.machine.js';

/** The holds from `id` along replacedBy, oldest first. */
export async function chainFrom(hf: Holdfast, id: string): Promise<Hold[]> {
  const chain = [await hf.get(id)];
  while (chain.at(-1)!.replacedBy !== null && chain.length < 20) chain.push(await hf.get(chain.at(-1)!.replacedBy!));
  return chain;
}

/** Counted figures of one order's chain against the ledger, and every rule they break. */
export interface ChainVerdict {
  figures: {
    /** Authorizations the ledger holds for the order's subscription. */
    authorizations: number;
    /** Authorizations with at least one capture, and captures in all. */
    captured: number;
    captures: number;
    /** Minor units captured on the captured authorization(s). */
    capturedAmount: number;
    /** Authorizations released by exactly one void and never captured. */
    voidedOnce: number;
    /** Replaced authorizations that lapsed unreleased (never captured): allowed by the README. */
    lapsedReplaced: number;
    captureAndVoid: number;
    voidedTwice: number;
    /** Authorizations neither captured nor voided nor an allowed lapse, or foreign to the order's holds. */
    unaccounted: number;
    requests: number;
    requestsAfterExpiry: number;
    keysWithTwoBodies: number;
    /** Holds of the order left open (authorized, in flight, or flagged). */
    openHolds: number;
  };
  chainStates: HoldState[];
  violations: string[];
}

const OPEN_STATES: ReadonlySet<HoldState> = new Set<HoldState>(['authorizing', 'authorized', 'partially_captured', 'capturing', 'voiding', 'extending', 'needs_attention']);

/**
 * The ledger's word on one order's chain of holds. `intended` names each hold's end, oldest first
 * (A: replaced, …, last: captured or voided). Every authorization the simulator holds for the
 * subscription must be the captured one (once, for `amount`, when the last is meant captured) or
 * released by exactly one void. README ("Extending a
 * hold"): the release "ends the old hold `replaced` … also when the void is refused or lapses — the
 * funds are the new hold's now", so a replaced authorization that holdfast reports `replaced` with
 * RELEASE_UNRESOLVED, or that has lapsed at the issuer (its expiresAt passed), with no capture and no
 * void is correct too (counted as lapsedReplaced); it never may be captured.
 */
export function judgeChain(input: { sim: Simulator; subscriptionId: string; amount: number; chain: Hold[]; orderHolds: Hold[]; intended: HoldState[]; now: number }): ChainVerdict {
  const { sim, subscriptionId, amount, chain, orderHolds, intended, now } = input;
  const violations: string[] = [];
  const authorizations = sim.ledger.authorizations().filter((a) => a.subscriptionId === subscriptionId);
  const refs = new Set(authorizations.map((a) => a.ref));
  const holdByRef = new Map(orderHolds.filter((h) => h.gatewayRef !== null).map((h) => [h.gatewayRef!, h]));
  const figures: ChainVerdict['figures'] = {
    authorizations: authorizations.length, captured: 0, captures: 0, capturedAmount: 0, voidedOnce: 0, lapsedReplaced: 0,
    captureAndVoid: 0, voidedTwice: 0, unaccounted: 0, requests: 0, requestsAfterExpiry: 0, keysWithTwoBodies: 0, openHolds: 0,
  };
  for (const a of authorizations) {
    const hold = holdByRef.get(a.ref);
    if (hold === undefined) {
      figures.unaccounted++;
      violations.push(`authorization ${a.ref} belongs to no hold of the order`);
    }
    if (a.captures.length > 0) {
      figures.captured++;
      figures.captures += a.captures.length;
      figures.capturedAmount += a.captures.reduce((sum, c) => sum + c.amount, 0);
      if (a.captures.length > 1) violations.push(`authorization ${a.ref} captured ${a.captures.length} times`);
    }
    if (a.captures.length > 0 && a.voids.length > 0) {
      figures.captureAndVoid++;
      violations.push(`authorization ${a.ref} both captured and voided`);
    }
    if (a.voids.length > 1) {
      figures.voidedTwice++;
      violations.push(`authorization ${a.ref} voided ${a.voids.length} times`);
    }
    if (a.captures.length === 0 && a.voids.length === 1) figures.voidedOnce++;
    if (a.captures.length === 0 && a.voids.length === 0 && hold !== undefined) {
      const lapsed = hold.state === 'replaced' && (hold.lastError?.code === 'RELEASE_UNRESOLVED' || a.expiresAt <= now);
      if (lapsed) figures.lapsedReplaced++;
      else {
        figures.unaccounted++;
        violations.push(`authorization ${a.ref} (hold ${hold.id}, ${hold.state}) neither captured nor released`);
      }
    }
  }
  const meantCaptured = intended.at(-1) === 'captured' ? 1 : 0;
  if (figures.captured !== meantCaptured) violations.push(`${figures.captured} authorizations captured, intended ${meantCaptured}`);
  if (figures.captured === 1 && meantCaptured === 1 && figures.capturedAmount !== amount) violations.push(`captured ${figures.capturedAmount} of ${amount}`);

  const requests = sim.requests().filter((r) => r.path.includes(`/card/${subscriptionId}/`) || (r.authorizationRef !== null && refs.has(r.authorizationRef)));
  figures.requests = requests.length;
  for (const r of requests.filter((q) => q.afterExpiry)) {
    figures.requestsAfterExpiry++;
    violations.push(`${r.operation} #${r.seq} on ${r.authorizationRef} sent at or after its expiry`);
  }
  const bodies = new Map<string, Set<string>>();
  for (const r of requests) if (r.idempotencyKey) bodies.set(r.idempotencyKey, (bodies.get(r.idempotencyKey) ?? new Set()).add(r.bodySha256));
  for (const [key, set] of bodies) {
    if (set.size > 1) {
      figures.keysWithTwoBodies++;
      violations.push(`key ${key} sent with ${set.size} different bodies`);
    }
  }

  const chainStates = chain.map((h) => h.state);
  if (JSON.stringify(chainStates) !== JSON.stringify(intended)) violations.push(`chain ended ${chainStates.join(' → ')}, intended ${intended.join(' → ')}`);
  const last = chain.at(-1)!;
  const capturedRefs = authorizations.filter((a) => a.captures.length > 0).map((a) => a.ref);
  if (last.state === 'captured' && (capturedRefs.length !== 1 || last.gatewayRef !== capturedRefs[0])) violations.push(`the chain's captured hold ${last.id} is ${last.gatewayRef}, the ledger captured ${capturedRefs.join(', ') || 'nothing'}`);
  if (last.state === 'captured' && last.capturedAmount !== amount) violations.push(`holdfast reports ${last.capturedAmount} captured of ${amount}`);
  for (const h of orderHolds) {
    if (OPEN_STATES.has(h.state)) {
      figures.openHolds++;
      violations.push(`hold ${h.id} left ${h.state}`);
    }
  }
  return { figures, chainStates, violations };
}

