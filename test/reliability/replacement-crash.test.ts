// Crash injection for replacement authorizations: a real sweeper process (test/reliability/fixtures/
// crash-child.ts, ROLE=sweep) replacing a Kushki debit hold A at its actBy is SIGKILLed at every
// crash point of the hand-over (the REPLACE intent, the new hold B's authorization, its result, A's
// REPLACED commit, A's release) and while the simulator holds B's authorization or A's release; a
// fresh holdfast then sweeps until dry, and again at holdUntil, when the last hold of the chain is
// captured by its fallback. The judge is the simulator's permissive ledger and request log (an
// oracle holdfast does not control): per chain, exactly one authorization captured, once, for the
// full amount; every other one released exactly once; nothing after expiry; one body per key.
// The simulator and every holdfast process read one clock (the system clock plus the lane's offset,
// handed to the child as CLOCK_OFFSET_MS), as in crash-injection.test.ts. The small process helpers
// below (openAt, sweepDry, the in-flight kill) mirror that file's, which keeps them file-local.
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type FaultKind, type Simulator } from '../../src/simulator/index.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import type { CrashPoint } from '../../src/engine/crash-point.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { HoldState } from '../../machines/hold.machine.js';
import { tempDir } from '../helpers/harness.js';
import { runTs, type ChildResult } from '../helpers/processes.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { timeoutMs } from './scale.js';
import { chainFrom, type ChainVerdict, judgeChain } from './chain-judge.js';
import type { Hold } from '../../machines/hold-types.js';

const CHILD = 'test/reliability/fixtures/crash-child.ts';
const LANES = 2;
const AMOUNT = 5_000;
const CURRENCY = 'USD';
const MINUTE = 60_000;
/** Past the in-flight grace (60 s) and the child's lease (60 s), as crash-injection.test.ts recovers. */
const RECOVERY_OFFSET = 3 * MINUTE;

/** What the crashed sweeper left behind, read before recovery: proof that it died where intended. */
interface AtDeath {
  a: HoldState;
  b: HoldState;
  /** B's authorize requests at the simulator (under `<A>:replace:1`). */
  bAuthorizes: number;
  /** Release (void) requests for A's authorization. */
  releases: number;
  /** Authorizations the ledger holds for the subscription (A's, plus B's once it executed). */
  ledgerAuthorizations: number;
}

interface KillPoint {
  name: string;
  how: string;
  at?: CrashPoint;
  /** HOLDFAST_CRASH_AFTER: hits of the point let through before dying. */
  hit?: number;
  /** A request the simulator holds (after its commit) while the test kills the child from outside. */
  hang?: 'authorize' | 'void';
  /** Recovery only after A's deadline (expiresAt − half the lead time) instead of a few minutes later. */
  lateRecovery?: boolean;
  atDeath: AtDeath;
}

const waiting = (bAuthorizes: number, ledgerAuthorizations: number): AtDeath => ({ a: 'extending', b: 'authorizing', bAuthorizes, releases: 0, ledgerAuthorizations });
const POINTS: KillPoint[] = [
  { name: 'after-intent#0', at: 'after-intent', hit: 0, how: 'A committed REPLACE and B was inserted (one transaction); nothing sent', atDeath: waiting(0, 1) },
  { name: 'before-send#0', at: 'before-send', hit: 0, how: "right before B's authorization is sent", atDeath: waiting(0, 1) },
  { name: 'in-flight authorize', hang: 'authorize', how: "while the simulator holds B's authorization (hang after commit)", atDeath: waiting(1, 2) },
  { name: 'after-response#0', at: 'after-response', hit: 0, how: "B's approval arrived, not yet written", atDeath: waiting(1, 2) },
  { name: 'after-result#0', at: 'after-result', hit: 0, how: "B's result written (sweeper), before A is settled", atDeath: { a: 'extending', b: 'authorized', bAuthorizes: 1, releases: 0, ledgerAuthorizations: 2 } },
  // No sweeper until A's deadline has passed: B, authorized in time, must still take over (not be orphaned while A falls back).
  { name: 'after-result#0, back after the deadline', at: 'after-result', hit: 0, lateRecovery: true, how: "as after-result#0, and no sweeper runs again until A's deadline has passed", atDeath: { a: 'extending', b: 'authorized', bAuthorizes: 1, releases: 0, ledgerAuthorizations: 2 } },
  { name: 'after-result#1', at: 'after-result', hit: 1, how: "A's REPLACED and B's adoption committed, before the release is sent", atDeath: { a: 'voiding', b: 'authorized', bAuthorizes: 1, releases: 0, ledgerAuthorizations: 2 } },
  { name: 'before-send#1', at: 'before-send', hit: 1, how: "right before A's release (void) is sent", atDeath: { a: 'voiding', b: 'authorized', bAuthorizes: 1, releases: 0, ledgerAuthorizations: 2 } },
  { name: 'in-flight void', hang: 'void', how: "while the simulator holds A's release (hang after commit)", atDeath: { a: 'voiding', b: 'authorized', bAuthorizes: 1, releases: 1, ledgerAuthorizations: 2 } },
  { name: 'after-response#1', at: 'after-response', hit: 1, how: "A's release answered, not yet written", atDeath: { a: 'voiding', b: 'authorized', bAuthorizes: 1, releases: 1, ledgerAuthorizations: 2 } },
];

/** A simulator and the clock offset it shares with every holdfast process of its lane. */
interface Lane {
  sim: Simulator;
  offset: number;
}

const lanes: Lane[] = [];
const freeLanes: Lane[] = [];
const laneWaiters: ((lane: Lane) => void)[] = [];
const dir = tempDir();
let runs = 0;

beforeAll(async () => {
  for (let i = 0; i < LANES; i++) {
    const lane = { offset: 0 } as Lane;
    lane.sim = await startSimulator({ clock: { now: () => Date.now() + lane.offset }, ledgerMode: 'permissive' });
    lanes.push(lane);
    freeLanes.push(lane);
  }
});
afterAll(async () => {
  for (const lane of lanes) await lane.sim.close();
  dir.cleanup();
});

/** Runs `job` on a free lane (one scenario per lane at a time: the lane's clock is the scenario's). */
async function onLane<T>(job: (lane: Lane) => Promise<T>): Promise<T> {
  const lane = freeLanes.pop() ?? (await new Promise<Lane>((resolve) => laneWaiters.push(resolve)));
  try {
    return await job(lane);
  } finally {
    lane.sim.faults.clear();
    const next = laneWaiters.shift();
    if (next) next(lane);
    else freeLanes.push(lane);
  }
}

/** holdfast in this process on the lane's shared clock, moved to `offset`. */
function openAt(database: string, lane: Lane, offset: number): Promise<Holdfast> {
  lane.offset = offset;
  return openOnSimulator(database, lane.sim, { now: () => Date.now() + lane.offset });
}

/** Sweeps until a pass finds nothing due (at most 8 passes). */
async function sweepDry(hf: Holdfast): Promise<void> {
  for (let pass = 0; pass < 8; pass++) if ((await hf.sweep({ concurrency: 8 })).items.length === 0) return;
}

/** The sweeper child, killed at the point's crash point, or from outside once the simulator holds the hung request. */
function killSweeper(lane: Lane, point: KillPoint, database: string): Promise<ChildResult> {
  const env = { HOLDFAST_DB: database, SIM_URL: lane.sim.url, ROLE: 'sweep', CLOCK_OFFSET_MS: String(lane.offset) };
  if (point.at) return runTs(CHILD, { ...env, HOLDFAST_CRASH_AT: point.at, HOLDFAST_CRASH_AFTER: String(point.hit ?? 0) });
  const fault: FaultKind = 'hang-after-commit';
  lane.sim.faults.inject({ kind: fault, gateway: 'kushki', operation: point.hang! });
  const seen = lane.sim.requests().length;
  return runTs(CHILD, { ...env, RESPONSE_TIMEOUT_MS: '60000' }, {
    onStart: (kill) => {
      const timer = setInterval(() => {
        if (lane.sim.requests().slice(seen).some((r) => r.handling === fault && r.operation === point.hang)) {
          clearInterval(timer);
          kill();
        }
      }, 5);
      timer.unref();
    },
  });
}

/** What one scenario leaves for the judge (and the negative control). */
interface Scenario {
  lane: Lane;
  subscriptionId: string;
  orderId: string;
  original: Hold;
  /** What each hold of the chain was meant to end as, oldest first. */
  intended: HoldState[];
  /** When the recovering process started (the lane's clock): a window closed by then could not be released. */
  recoveryAt: number;
  verdict: ChainVerdict;
  /** Re-reads holdfast's view and judges again (after the negative control tampers with the gateway). */
  rejudge: () => Promise<ChainVerdict>;
}

/** Authorizes A due for replacement now, kills the sweeper at `point`, checks where it died, recovers and judges. */
async function runScenario(lane: Lane, point: KillPoint, check: ExpectStatic): Promise<Scenario> {
  const run = ++runs;
  const database = join(dir.dir, `replacement-${run}.db`);
  const tag = `repl-${run}-${Math.random().toString(36).slice(2, 8)}`;
  const subscriptionId = `sub-${tag}`;
  const orderId = `order-${tag}`;
  lane.sim.cards.registerSubscription(subscriptionId, { cardType: 'debit' });

  // A, authorized 6 days and a minute ago on a debit card (7-day window): its actBy (expiresAt − 1 day) was a minute ago.
  let hf = await openAt(database, lane, -(6 * DAY_MS + MINUTE));
  let recoveryAt = 0;
  const authorized = await hf.authorize({ gateway: 'kushki', subscriptionId, orderId, amount: AMOUNT, currency: CURRENCY });
  check(authorized.state).toBe('authorized');
  const holdUntil = authorized.expiresAt! + 3 * DAY_MS;
  const original = await hf.setOnExpiry(authorized.id, 'extend', { holdUntil, fallback: 'capture', by: 'replacement' });
  await hf.close();

  // The sweeper process, on the lane's clock at offset 0, dies at the point.
  lane.offset = 0;
  const child = await killSweeper(lane, point, database);
  check(child.signal, `${point.name}: the child was not killed (kill point never reached?): code ${child.code} ${child.stdout}${child.stderr}`).toBe('SIGKILL');
  lane.sim.faults.clear();

  // Where it died, read by a fresh process before anything else runs.
  hf = await openAt(database, lane, 0);
  try {
    const a = await hf.get(original.id);
    const bId = a.pending?.replacementId ?? a.replacedBy;
    check(bId, `${point.name}: A names its replacement`).toBeTruthy();
    const b = await hf.get(bId!);
    const requests = lane.sim.requests();
    const atDeath: AtDeath = {
      a: a.state,
      b: b.state,
      bAuthorizes: requests.filter((r) => r.operation === 'authorize' && r.idempotencyKey === `${original.id}:replace:1`).length,
      releases: requests.filter((r) => r.operation === 'void' && r.authorizationRef === original.gatewayRef).length,
      ledgerAuthorizations: lane.sim.ledger.authorizations().filter((x) => x.subscriptionId === subscriptionId).length,
    };
    check(atDeath, `${point.name}: state at death`).toEqual(point.atDeath);
    if (point.atDeath.a === 'voiding') check(a.pending?.idempotencyKey, `${point.name}: the release's key`).toBe(`${original.id}:void:0`);

    // Recovery: a few minutes later (past the lease and the in-flight grace), or 5 min past A's
    // deadline (expiresAt − 12 h) for a late one, sweep until dry …
    lane.offset = point.lateRecovery ? original.expiresAt! - 12 * 60 * MINUTE + 5 * MINUTE - Date.now() : RECOVERY_OFFSET;
    recoveryAt = Date.now() + lane.offset;
    await sweepDry(hf);
    const recovered = await hf.get(original.id);
    check(recovered.state, `${point.name}: A after recovery`).toBe('replaced');
    // … then at holdUntil (+ 5 min) the last hold's fallback captures it.
    lane.offset = holdUntil + 5 * MINUTE - Date.now();
    await sweepDry(hf);
    // The work resumed under the keys the dead process committed, never new ones: B's authorization
    // under <A>:replace:1, A's release under <A>:void:0, and B's capture once, on B's authorization.
    const b2 = await hf.get(bId!);
    const mine = lane.sim.requests().filter((r) => r.path.includes(`/card/${subscriptionId}/`) || r.authorizationRef === original.gatewayRef || r.authorizationRef === b2.gatewayRef);
    const distinct = (op: string) => [...new Set(mine.filter((r) => r.operation === op).map((r) => `${r.idempotencyKey}@${r.authorizationRef ?? '-'}`))];
    check(distinct('authorize').slice(1), `${point.name}: replacement authorize keys`).toEqual([`${original.id}:replace:1@-`]);
    check(distinct('void'), `${point.name}: release keys`).toEqual([`${original.id}:void:0@${original.gatewayRef}`]);
    check(distinct('capture').map((k) => k.split('@')[1]), `${point.name}: captured authorization`).toEqual([b2.gatewayRef]);
  } finally {
    await hf.close();
  }

  // Intended ends: A replaced (its funds handed to B, its authorization released), B captured by its fallback.
  const intended: HoldState[] = ['replaced', 'captured'];
  const rejudge = async (): Promise<ChainVerdict> => {
    const view = await openAt(database, lane, lane.offset);
    try {
      const chain = await chainFrom(view, original.id);
      const { holds } = await view.list({ orderId });
      return judgeChain({ sim: lane.sim, subscriptionId, amount: AMOUNT, chain, orderHolds: holds, intended, now: Date.now() + lane.offset });
    } finally {
      await view.close();
    }
  };
  return { lane, subscriptionId, orderId, original, intended, recoveryAt, verdict: await rejudge(), rejudge };
}

/**
 * The figures a scenario's intended ends call for, counted from them and the ledger: the hold meant
 * captured is captured once for the full amount; every other authorization is released once, unless
 * its window had closed (per the ledger) before the recovering process started, when it may only
 * lapse. The fault figures (captured and voided, voided twice, unaccounted, after expiry, two bodies
 * per key, open holds) are not listed: each one the judge counts is also a violation, and the
 * scenario requires none.
 */
function intendedFigures(scenario: Scenario): Pick<ChainVerdict['figures'], 'authorizations' | 'captured' | 'captures' | 'capturedAmount' | 'voidedOnce' | 'lapsedReplaced'> {
  const meantCaptured = scenario.intended.filter((end) => end === 'captured').length;
  const closedBeforeRecovery = scenario.lane.sim.ledger.authorizations().filter((a) => a.subscriptionId === scenario.subscriptionId && a.expiresAt <= scenario.recoveryAt).length;
  return {
    authorizations: scenario.intended.length,
    captured: meantCaptured,
    captures: meantCaptured,
    capturedAmount: meantCaptured * AMOUNT,
    voidedOnce: scenario.intended.length - meantCaptured - closedBeforeRecovery,
    lapsedReplaced: closedBeforeRecovery,
  };
}

describe.concurrent(`replacement authorizations: SIGKILL of a sweeper at ${POINTS.length} points, then recovery`, () => {
  it.for(POINTS)('$name ($how): one capture, every other authorization released once', { timeout: timeoutMs(60_000) }, async (point, { expect: check }) => {
    const scenario = await onLane((lane) => runScenario(lane, point, check));
    const { figures, violations, chainStates } = scenario.verdict;
    check(violations, point.name).toEqual([]);
    check(chainStates).toEqual(['replaced', 'captured']);
    const { authorizations, captured, captures, capturedAmount, voidedOnce, lapsedReplaced, requests } = figures;
    check({ authorizations, captured, captures, capturedAmount, voidedOnce, lapsedReplaced }).toEqual(intendedFigures(scenario));
    // A's authorize, B's authorize (replays included), A's release (replays included), B's capture.
    check(requests).toBeGreaterThanOrEqual(4);
  });

  it('negative control: a capture of the replaced authorization sent behind holdfast\'s back is reported', async ({ expect: check }) => {
    await onLane(async (lane) => {
      const point = POINTS.find((p) => p.name === 'after-result#1')!;
      const scenario = await runScenario(lane, point, check);
      check(scenario.verdict.violations).toEqual([]);
      // A rogue capture of A's (released) authorization, over HTTP with the Kushki adapter; the permissive ledger records it.
      const clock = { now: () => Date.now() + lane.offset };
      const gateway = createKushkiGateway({ baseUrl: lane.sim.url, privateMerchantId: 'test-merchant', clock, timeouts: { connectMs: 1_000, responseMs: 2_000, requestMs: 3_000 } });
      const rogue = await gateway.capture({ idempotencyKey: `rogue-${scenario.original.id}`, gatewayRef: scenario.original.gatewayRef!, subscriptionId: scenario.subscriptionId, amount: AMOUNT, currency: CURRENCY });
      check(rogue.kind).toBe('approved');
      const tampered = await scenario.rejudge();
      check(tampered.figures.captured).toBe(2);
      check(tampered.figures.captureAndVoid).toBe(1);
      check(tampered.figures.requestsAfterExpiry).toBe(1);
      check(tampered.violations).toEqual(
        expect.arrayContaining([
          `authorization ${scenario.original.gatewayRef} both captured and voided`,
          '2 authorizations captured, intended 1',
          expect.stringMatching(/^capture #\d+ on \d+ sent at or after its expiry$/),
        ]),
      );
    });
  }, timeoutMs(60_000));
});
