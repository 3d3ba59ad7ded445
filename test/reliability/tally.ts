// Counts invariant violations hold by hold against the simulator's ledger, for the figures. The
// assertion itself stays test/helpers/invariants.ts (expectConverged); this only counts, so that a
// report can say "0 double captures over N holds".
import type { Hold } from '../../src/holds/types.js';
import type { SimLedgerSnapshot } from '../../src/simulator/index.js';

/** Violation counts over a set of holds (each must be 0). */
export interface Violations {
  doubleCaptures: number;
  captureAndVoid: number;
  lostHolds: number;
  effectsAtOrAfterExpiry: number;
  notTerminal: number;
  dbLedgerMismatches: number;
}

const TERMINAL = new Set(['captured', 'partially_captured', 'voided', 'expired']);

/** An all-zero tally. */
export function noViolations(): Violations {
  return { doubleCaptures: 0, captureAndVoid: 0, lostHolds: 0, effectsAtOrAfterExpiry: 0, notTerminal: 0, dbLedgerMismatches: 0 };
}

/** Adds `b` into `a`. */
export function addViolations(a: Violations, b: Violations): Violations {
  for (const k of Object.keys(a) as (keyof Violations)[]) a[k] += b[k];
  return a;
}

/** Counts what expectConverged would refuse, hold by hold. */
export function tallyViolations(holds: readonly Hold[], ledger: SimLedgerSnapshot): Violations {
  const v = noViolations();
  const byRef = new Map(ledger.authorizations.map((a) => [a.ref, a]));
  for (const hold of holds) {
    const auth = byRef.get(hold.gatewayRef ?? '');
    if (!auth) {
      v.lostHolds++;
      continue;
    }
    if (auth.captures.length > 1) v.doubleCaptures++;
    if (auth.captures.length > 0 && auth.voids.length > 0) v.captureAndVoid++;
    for (const e of [...auth.captures, ...auth.voids]) if (e.at >= (hold.expiresAt ?? 0)) v.effectsAtOrAfterExpiry++;
    if (!TERMINAL.has(hold.state)) v.notTerminal++;
    const captured = auth.captures.reduce((s, c) => s + c.amount, 0);
    const agrees =
      hold.state === 'captured' || hold.state === 'partially_captured'
        ? auth.captures.length === 1 && captured === hold.capturedAmount
        : hold.state === 'voided'
          ? auth.voids.length === 1 && auth.captures.length === 0
          : auth.captures.length + auth.voids.length === 0;
    if (!agrees) v.dbLedgerMismatches++;
  }
  return v;
}
