// Crash injection: SIGKILL a real holdfast process (a sweeper, the embedded API capturing or voiding
// for an order system, or the API authorizing) at every crash point, on the capture and the void
// path, then recover in a fresh process and judge every hold against its intent and the simulator's
// permissive ledger. The simulator and every holdfast process read one clock (the system clock plus
// a lane's offset, handed to children as CLOCK_OFFSET_MS), so "after expiry" means the same to both.
// Plus a random-kill run: generations of sweepers over one population, each killed at a random point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type FaultKind, type Simulator } from '../../src/simulator/index.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { CRASH_POINTS, type CrashPoint } from '../../src/engine/crash-point.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import { tempDir } from '../helpers/harness.js';
import { runTs, type ChildResult } from '../helpers/processes.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { populate, registrarOf, type Planned } from './intents.js';
import { addVerdicts, judge, noVerdicts, verdictColumns, verdictViolations, type Verdicts } from './judge.js';
import type { Intent } from './verdict.js';
import { inLanes, seededRandom } from './lanes.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';
import { sized, timeoutMs } from './scale.js';

const CHILD = 'test/reliability/fixtures/crash-child.ts';
const LANES = 2;
/** Runs per point: the CI size covers the capture path (run 0) and the void path (run 1) of every point. */
const RUNS_PER_POINT = sized(2, 40);
const HOLDS_PER_RUN = 4;

/** Where a process dies, and how the test gets it there. */
interface KillPoint {
  name: string;
  process: 'sweeper' | 'api' | 'authorize';
  how: string;
  /** The crash point it names (in-flight kills come from outside instead). */
  at?: CrashPoint;
  /** A request the simulator holds while the test kills the process. */
  hang?: FaultKind;
}

const POINTS: KillPoint[] = [
  { name: 'authorize-after-intent', process: 'authorize', at: 'after-authorize-intent', how: 'API authorize() after its row and idempotency key committed, before perform' },
  { name: 'authorize-before-send', process: 'authorize', at: 'before-send', how: 'API authorize() in HoldEngine.perform, right before the HTTP call' },
  { name: 'authorize-in-flight-uncommitted', process: 'authorize', hang: 'hang-before-commit', how: 'API authorize() killed while the gateway holds the request, before its commit' },
  { name: 'authorize-in-flight-committed', process: 'authorize', hang: 'hang-after-commit', how: 'API authorize() killed while the gateway holds the request, after its commit' },
  { name: 'authorize-after-response', process: 'authorize', at: 'after-response', how: 'API authorize() after the approval arrived, before it is written' },
  { name: 'after-claim', process: 'sweeper', at: 'after-claim', how: 'after the claim statement committed the lease' },
  { name: 'after-intent', process: 'sweeper', at: 'after-intent', how: 'after the in-flight intent and idempotency key committed' },
  { name: 'before-send', process: 'sweeper', at: 'before-send', how: 'in HoldEngine.perform, right before the HTTP call' },
  { name: 'in-flight-uncommitted', process: 'sweeper', hang: 'hang-before-commit', how: 'killed while the gateway holds the request, before its commit' },
  { name: 'in-flight-committed', process: 'sweeper', hang: 'hang-after-commit', how: 'killed while the gateway holds the request, after its commit' },
  { name: 'after-response', process: 'sweeper', at: 'after-response', how: 'after the response arrived, before the result is written' },
  { name: 'after-result', process: 'sweeper', at: 'after-result', how: 'after the result, exchange record and lease release committed' },
  { name: 'retry-before-send', process: 'sweeper', at: 'before-send', how: 'before-send while re-sending an unknown outcome (5xx before/after commit) under its key' },
  { name: 'api-before-send', process: 'api', at: 'before-send', how: 'API capture()/void() after its intent, before the HTTP call' },
  { name: 'api-after-response', process: 'api', at: 'after-response', how: 'API capture()/void() after the response, before the result is written' },
];

/** A simulator and the clock offset it shares with every holdfast process of its lane. */
interface Lane {
  sim: Simulator;
  offset: number;
}

interface PointFigures {
  runs: number;
  capture: number;
  void: number;
  verdicts: Verdicts;
  /** Authorizations at the gateway per authorize call that is not exactly one (authorize points only). */
  authorizationsNotOne: number;
}

const lanes: Lane[] = [];
const dir = tempDir();
const figures = new Map<string, PointFigures>();
const elapsed = stopwatch();
let passedPoints = 0;
let randomKill: { kills: number; generations: number; verdicts: Verdicts } | null = null;

beforeAll(async () => {
  for (let i = 0; i < LANES; i++) {
    const lane = { offset: 0 } as Lane;
    lane.sim = await startSimulator({ clock: { now: () => Date.now() + lane.offset }, ledgerMode: 'permissive' });
    lanes.push(lane);
  }
  // Every crash point the product names is exercised by some kill point.
  expect(new Set(POINTS.flatMap((p) => (p.at ? [p.at] : [])))).toEqual(new Set(CRASH_POINTS));
});
afterAll(async () => {
  for (const lane of lanes) await lane.sim.close();
  dir.cleanup();
  if (passedPoints !== POINTS.length || randomKill === null) return;
  const total = noVerdicts();
  let authorizationsNotOne = 0;
  const rows: FigureRow[] = POINTS.map((p) => {
    const f = figures.get(p.name)!;
    addVerdicts(total, f.verdicts);
    authorizationsNotOne += f.authorizationsNotOne;
    return { point: p.name, process: p.process, 'runs (kills)': f.runs, 'capture path': f.capture, 'void path': f.void, ...verdictColumns(f.verdicts) };
  });
  addVerdicts(total, randomKill.verdicts);
  rows.push({ point: 'random kill (random point, random hit)', process: 'sweeper', 'runs (kills)': randomKill.kills, 'capture path': '-', 'void path': '-', ...verdictColumns(randomKill.verdicts) });
  recordResult({
    suite: 'crash',
    title: 'Crash injection (SIGKILL of a real process at every crash point, then recovery in a fresh process)',
    rows,
    violations: { ...verdictViolations(total), authorizationsNotOne },
    notes: [
      ...POINTS.map((p) => `${p.name}: ${p.how}`),
      `sweeper and api runs: ${HOLDS_PER_RUN} due holds (capture all, void, capture part, capture declined → void), the process killed at the point on hold k = run mod ${HOLDS_PER_RUN}; api runs capture part of hold k (operator capture) or void it`,
      'authorize runs: one authorization killed at the point; recovery re-sends it under its key, then the hold is captured at actBy; the gateway must hold exactly one authorization for it',
      `random kill: ${randomKill.generations} sweeper generations (concurrency 8) over one population, each killed at a random crash point and hit count until one finished`,
      'verdicts against the simulator in permissive mode (every capture/void it executes takes effect); calls after expiry counted per request from its request log',
    ],
    durationMs: elapsed(),
  });
});

/** holdfast on the lane's shared clock, moved to `offset`. */
function openAt(database: string, lane: Lane, offset: number): Promise<Holdfast> {
  lane.offset = offset;
  return openOnSimulator(database, lane.sim, { now: () => Date.now() + lane.offset });
}

/** A fresh process past every lease and in-flight grace sweeps until nothing is due. */
async function sweepDry(hf: Holdfast): Promise<void> {
  for (let pass = 0; pass < 8; pass++) if ((await hf.sweep({ concurrency: 8 })).items.length === 0) return;
}

/** Starts the child and kills it as soon as the simulator holds a request with the given fault. */
function runKilledInFlight(sim: Simulator, fault: FaultKind, env: Record<string, string>): Promise<ChildResult> {
  const seen = sim.requests().length;
  return runTs(CHILD, { ...env, RESPONSE_TIMEOUT_MS: '60000' }, {
    onStart: (kill) => {
      const timer = setInterval(() => {
        if (sim.requests().slice(seen).some((r) => r.handling === fault)) {
          clearInterval(timer);
          kill();
        }
      }, 5);
    },
  });
}

/** Runs the child for `point` on `env`: killed at its crash point or, for a hang, from outside. */
function killChild(lane: Lane, point: KillPoint, env: Record<string, string>, operation: 'authorize' | 'capture' | 'void', hitsBefore = 0): Promise<ChildResult> {
  const base = { ...env, CLOCK_OFFSET_MS: String(lane.offset) };
  if (point.hang) {
    lane.sim.faults.inject({ kind: point.hang, gateway: 'kushki', operation });
    return runKilledInFlight(lane.sim, point.hang, base);
  }
  return runTs(CHILD, { ...base, HOLDFAST_CRASH_AT: point.at!, HOLDFAST_CRASH_AFTER: String(hitsBefore) });
}

/** An authorize run: the API process dies mid-authorization; recovery re-sends it, the hold is captured at actBy. */
async function authorizeRun(point: KillPoint, run: number, lane: Lane, database: string, tag: string): Promise<{ verdicts: Verdicts; authorizations: number }> {
  await (await openAt(database, lane, 0)).close();
  const subscriptionId = `${tag}-0`;
  lane.sim.cards.registerSubscription(subscriptionId, { cardType: 'credit' });
  const amount = 2_000 + run;
  const env = { HOLDFAST_DB: database, SIM_URL: lane.sim.url, ROLE: 'authorize', SUBSCRIPTION_ID: subscriptionId, ORDER_ID: tag, AMOUNT: String(amount) };
  const child = await killChild(lane, point, env, 'authorize');
  expect(child.signal, `${point.name} run ${run}: ${child.stdout}${child.stderr}`).toBe('SIGKILL');
  lane.sim.faults.clear();
  // Recovery: past the in-flight grace the sweeper re-sends the authorization under its key; at actBy it captures.
  let hf = await openAt(database, lane, 3 * 60_000);
  await sweepDry(hf);
  const { holds } = await hf.list({ orderId: tag });
  expect(holds, `${point.name} run ${run}: one hold for the order`).toHaveLength(1);
  await hf.close();
  hf = await openAt(database, lane, 27.5 * DAY_MS + 3 * 60_000);
  try {
    await sweepDry(hf);
    const hold = await hf.get(holds[0]!.id);
    const intent: Intent = { kind: 'capture-all' };
    const authorizations = lane.sim.ledger.authorizations().filter((a) => a.subscriptionId === subscriptionId).length;
    return { verdicts: judge([{ intent, hold }], lane.sim.snapshot()), authorizations };
  } finally {
    await hf.close();
  }
}

/** A sweeper or API run: populate, kill the process at `point` on hold k, recover, judge. */
async function actRun(point: KillPoint, run: number, lane: Lane, database: string, tag: string): Promise<{ verdicts: Verdicts; operation: 'capture' | 'void' }> {
  // Authorized 27.5 days ago one second apart, so they are due now and claimed in index order.
  const setup = await openAt(database, lane, -27.5 * DAY_MS);
  const planned: Planned[] = await populate(setup, registrarOf(lane.sim), HOLDS_PER_RUN, tag, () => void (lane.offset += 1_000));
  await setup.close();
  lane.offset = 0;
  const k = run % HOLDS_PER_RUN;
  const operation = k % 2 === 0 ? 'capture' : 'void';
  const base = { HOLDFAST_DB: database, SIM_URL: lane.sim.url };
  let child: ChildResult;
  if (point.process === 'api') {
    const target = planned[k]!;
    const env: Record<string, string> = { ...base, ROLE: operation, HOLD_ID: target.id };
    if (operation === 'capture') {
      // An operator capture of part of the hold: Kushki captures once and releases the rest.
      const hf = await openAt(database, lane, 0);
      const amount = (await hf.get(target.id)).amount - 100;
      await hf.close();
      env.CAPTURE_AMOUNT = String(amount);
      target.intent = { kind: 'operator-capture', amount };
    } else target.intent = { kind: 'void' };
    child = await killChild(lane, point, env, operation);
  } else if (point.name === 'retry-before-send') {
    // Every hold's first call ends unknown (5xx before or after the gateway's commit); the child's
    // clock is 20 s ahead so the first retry (15 s) is due, and it dies re-sending hold k.
    const kind: FaultKind = Math.floor(run / HOLDS_PER_RUN) % 2 === 0 ? 'error-after-commit' : 'error-before-commit';
    lane.sim.faults.inject({ kind, gateway: 'kushki', times: HOLDS_PER_RUN });
    const first = await openAt(database, lane, 0);
    const report = await first.sweep({ concurrency: 1 });
    await first.close();
    expect(report.totals.unknown).toBe(HOLDS_PER_RUN);
    lane.offset = 20_000;
    child = await killChild(lane, point, { ...base, ROLE: 'sweep' }, operation, k);
  } else {
    child = await killChild(lane, point, { ...base, ROLE: 'sweep' }, operation, point.hang ? 0 : k);
  }
  expect(child.signal, `${point.name} run ${run}: ${child.stdout}${child.stderr}`).toBe('SIGKILL');
  lane.sim.faults.clear();
  const hf = await openAt(database, lane, lane.offset + 3 * 60_000);
  try {
    await sweepDry(hf);
    const cases = await Promise.all(planned.map(async (p) => ({ intent: p.intent, hold: await hf.get(p.id) })));
    return { verdicts: judge(cases, lane.sim.snapshot()), operation };
  } finally {
    await hf.close();
  }
}

/** One run of a point, recorded into its figures. */
async function crashRun(point: KillPoint, run: number, lane: Lane): Promise<void> {
  const database = join(dir.dir, `${point.name}-${run}.db`);
  const tag = `${point.name}-${run}-${Math.random().toString(36).slice(2, 8)}`;
  const f = figures.get(point.name) ?? { runs: 0, capture: 0, void: 0, verdicts: noVerdicts(), authorizationsNotOne: 0 };
  figures.set(point.name, f);
  if (point.process === 'authorize') {
    const r = await authorizeRun(point, run, lane, database, tag);
    addVerdicts(f.verdicts, r.verdicts);
    if (r.authorizations !== 1) f.authorizationsNotOne++;
    f.capture++;
  } else {
    const r = await actRun(point, run, lane, database, tag);
    addVerdicts(f.verdicts, r.verdicts);
    f[r.operation]++;
  }
  f.runs++;
}

describe(`crash injection: SIGKILL at ${POINTS.length} points, ${RUNS_PER_POINT} runs each`, () => {
  for (const point of POINTS) {
    it(`${point.name} (${point.process}): every hold meets its intent and agrees with the ledger after recovery`, async () => {
      await inLanes(Array.from({ length: RUNS_PER_POINT }, (_, i) => i), LANES, (run, lane) => crashRun(point, run, lanes[lane]!));
      const f = figures.get(point.name)!;
      expect(f.runs).toBe(RUNS_PER_POINT);
      if (point.process !== 'authorize') {
        expect(f.capture).toBeGreaterThan(0);
        expect(f.void).toBeGreaterThan(0);
      }
      expect({ ...verdictViolations(f.verdicts), authorizationsNotOne: f.authorizationsNotOne, lapsed: f.verdicts.lapsed }).toEqual({ wrong: 0, mismatch: 0, doubleEffects: 0, stuckInFlight: 0, callsAfterExpiry: 0, authorizationsNotOne: 0, lapsed: 0 });
      expect(f.verdicts.ok).toBe(f.verdicts.holds);
      passedPoints++;
    }, timeoutMs(60_000));
  }

  it('random kills: generations of sweepers, each killed at a random point, converge', async () => {
    const lane = lanes[0]!;
    const count = sized(24, 2_000);
    const database = join(dir.dir, 'random-kill.db');
    const setup = await openAt(database, lane, -27.5 * DAY_MS);
    const planned = await populate(setup, registrarOf(lane.sim), count, `random-${Date.now()}`, () => void (lane.offset += 1_000));
    await setup.close();
    const random = seededRandom(7);
    const named = POINTS.filter((p) => p.process === 'sweeper' && p.at !== undefined && p.name !== 'retry-before-send');
    let kills = 0;
    let generation = 0;
    let offset = 60_000;
    for (; generation < sized(4, 150); generation++) {
      const point = named[Math.floor(random() * named.length)]!;
      // Each generation runs on a clock 2 min past the last one's leases (60 s) and in-flight grace.
      lane.offset = offset;
      const child = await runTs(CHILD, {
        // Small batches in the CI size, so that every point is hit several times per generation and the drawn hit comes.
        HOLDFAST_DB: database, SIM_URL: lane.sim.url, ROLE: 'sweep', CONCURRENCY: '8', BATCH_SIZE: String(sized(4, 25)),
        CLOCK_OFFSET_MS: String(offset), HOLDFAST_CRASH_AT: point.at!, HOLDFAST_CRASH_AFTER: String(Math.floor(random() * sized(4, 16))),
      });
      offset += 2 * 60_000;
      if (child.signal !== 'SIGKILL') {
        // Nothing was left to do (or the drawn hit never came): the population is through.
        expect(child.code, child.stderr).toBe(0);
        break;
      }
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(sized(2, 20));
    const hf = await openAt(database, lane, offset + 3 * 60_000);
    try {
      await sweepDry(hf);
      const cases = await Promise.all(planned.map(async (p) => ({ intent: p.intent, hold: await hf.get(p.id) })));
      const verdicts = judge(cases, lane.sim.snapshot());
      randomKill = { kills, generations: generation + 1, verdicts };
      expect(verdictViolations(verdicts)).toEqual({ wrong: 0, mismatch: 0, doubleEffects: 0, stuckInFlight: 0, callsAfterExpiry: 0 });
      expect(verdicts.ok + verdicts.lapsed).toBe(count);
    } finally {
      await hf.close();
    }
  }, timeoutMs(60_000));
});
