// Counts verdicts over a scenario's holds from the simulator's snapshot: ok / lapsed / wrong /
// mismatch per hold, double effects, holds left in flight, and gateway requests that arrived at or
// after their authorization's expiresAt (per request, from the request log, replays included).
import type { Hold } from '../../src/holds/types.js';
import type { SimAuthorizationSummary, SimRequestLogEntry } from '../../src/simulator/index.js';
import { doubleEffect, verdict, type Intent, type Verdict } from './verdict.js';

const IN_FLIGHT = new Set(['authorizing', 'capturing', 'voiding']);

/** One hold and what was meant to happen to it. */
export interface Judged {
  intent: Intent;
  hold: Hold;
}

/** The counted figures of one scenario. */
export interface Verdicts {
  holds: number;
  ok: number;
  lapsed: number;
  wrong: number;
  mismatch: number;
  doubleEffects: number;
  stuckInFlight: number;
  callsAfterExpiry: number;
}

/** An all-zero tally to add scenarios into. */
export function noVerdicts(): Verdicts {
  return { holds: 0, ok: 0, lapsed: 0, wrong: 0, mismatch: 0, doubleEffects: 0, stuckInFlight: 0, callsAfterExpiry: 0 };
}

/** Adds `b` into `a` and returns `a`. */
export function addVerdicts(a: Verdicts, b: Verdicts): Verdicts {
  for (const k of Object.keys(a) as (keyof Verdicts)[]) a[k] += b[k];
  return a;
}

/** What the simulator knows, as returned by `sim.snapshot()` or `simulatorClient(url).snapshot()`. */
export interface OracleView {
  summaries: SimAuthorizationSummary[];
  requests: SimRequestLogEntry[];
}

/** Judges every hold against its intent and the ledger, and counts its authorization's requests after expiry. */
export function judge(cases: readonly Judged[], view: OracleView): Verdicts & { byHold: Map<string, Verdict> } {
  const byRef = new Map(view.summaries.map((s) => [s.ref, s]));
  const refs = new Set<string>();
  const counts = { ...noVerdicts(), byHold: new Map<string, Verdict>() };
  for (const { intent, hold } of cases) {
    const ledger = hold.gatewayRef === null ? undefined : byRef.get(hold.gatewayRef);
    if (hold.gatewayRef !== null) refs.add(hold.gatewayRef);
    const v = verdict(intent, hold, ledger);
    counts.byHold.set(hold.id, v);
    counts[v]++;
    counts.holds++;
    if (doubleEffect(ledger)) counts.doubleEffects++;
    if (IN_FLIGHT.has(hold.state)) counts.stuckInFlight++;
  }
  counts.callsAfterExpiry = view.requests.filter((r) => r.afterExpiry && r.authorizationRef !== null && refs.has(r.authorizationRef)).length;
  return counts;
}

/** The verdict columns of a report row. */
export function verdictColumns(v: Verdicts): Record<string, number> {
  return { holds: v.holds, ok: v.ok, lapsed: v.lapsed, wrong: v.wrong, mismatch: v.mismatch, 'double effects': v.doubleEffects, 'stuck in flight': v.stuckInFlight, 'calls after expiry': v.callsAfterExpiry };
}

/** The pass-criteria counts of a tally (each must be 0): what a suite records as its violations. */
export function verdictViolations(v: Verdicts): Record<string, number> {
  return { wrong: v.wrong, mismatch: v.mismatch, doubleEffects: v.doubleEffects, stuckInFlight: v.stuckInFlight, callsAfterExpiry: v.callsAfterExpiry };
}
