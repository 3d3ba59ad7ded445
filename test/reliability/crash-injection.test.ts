// Crash injection: SIGKILL a real holdfast process (a sweeper, or the embedded API acting for an
// order system) at each point between claim and committed result, on the capture and the void path,
// then recover with a fresh process and check every hold against the simulator's ledger. Plus a
// random-kill run: generations of sweepers over one population, each killed at a random point.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type FaultKind, type Simulator } from '../../src/simulator/index.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { CRASH_POINTS } from '../../src/engine/crash-point.js';
import { tempDir } from '../helpers/harness.js';
import { runTs, type ChildResult } from '../helpers/processes.js';
import { expectConverged } from '../helpers/invariants.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { addViolations, noViolations, tallyViolations, type Violations } from './tally.js';
import { inLanes, seededRandom } from './lanes.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';
import { sized, timeoutMs } from './scale.js';

const CHILD = 'test/reliability/fixtures/crash-child.ts';
const LANES = 2;
const RUNS_PER_POINT = sized(25, 200);
const HOLDS_PER_RUN = 4;

/** Where a process dies, and how the test gets it there. */
interface KillPoint {
  name: string;
  process: 'sweeper' | 'api';
  how: string;
}

const POINTS: KillPoint[] = [
  { name: 'after-claim', process: 'sweeper', how: 'crashPoint after the claim statement committed the lease' },
  { name: 'after-intent', process: 'sweeper', how: 'crashPoint after the in-flight intent and idempotency key committed' },
  { name: 'before-send', process: 'sweeper', how: 'crashPoint in HoldEngine.perform, right before the HTTP call' },
  { name: 'in-flight-uncommitted', process: 'sweeper', how: 'killed while the gateway holds the request, before its commit (hang-before-commit)' },
  { name: 'in-flight-committed', process: 'sweeper', how: 'killed while the gateway holds the request, after its commit (hang-after-commit)' },
  { name: 'after-response', process: 'sweeper', how: 'crashPoint after the response arrived, before the result is written' },
  { name: 'after-result', process: 'sweeper', how: 'crashPoint after the result, exchange record and lease release committed' },
  { name: 'retry-before-send', process: 'sweeper', how: 'before-send while re-sending an unknown outcome (5xx before/after commit) under its key' },
  { name: 'api-before-send', process: 'api', how: 'API capture()/void() killed after its intent, before the HTTP call' },
  { name: 'api-after-response', process: 'api', how: 'API capture()/void() killed after the response, before the result is written' },
];

const sims: Simulator[] = [];
const dir = tempDir();
const figures = new Map<string, { runs: number; capture: number; void: number; holds: number; violations: Violations }>();
const clock = stopwatch();
let passedPoints = 0;
let randomKill: { holds: number; kills: number; generations: number; violations: Violations } | null = null;

beforeAll(async () => {
  for (let i = 0; i < LANES; i++) sims.push(await startSimulator());
  expect(CRASH_POINTS).toContain('before-send');
});
afterAll(async () => {
  for (const sim of sims) await sim.close();
  dir.cleanup();
  if (passedPoints === POINTS.length && randomKill !== null) {
    const total = noViolations();
    const rows: FigureRow[] = POINTS.map((p) => {
      const f = figures.get(p.name)!;
      addViolations(total, f.violations);
      return { point: p.name, process: p.process, 'runs (kills)': f.runs, 'capture path': f.capture, 'void path': f.void, holds: f.holds, 'double captures': f.violations.doubleCaptures, 'lost holds': f.violations.lostHolds, 'effects ≥ expiresAt': f.violations.effectsAtOrAfterExpiry, 'not terminal': f.violations.notTerminal };
    });
    addViolations(total, randomKill.violations);
    rows.push({ point: 'random kill (random point, random hit)', process: 'sweeper', 'runs (kills)': randomKill.kills, 'capture path': '-', 'void path': '-', holds: randomKill.holds, 'double captures': randomKill.violations.doubleCaptures, 'lost holds': randomKill.violations.lostHolds, 'effects ≥ expiresAt': randomKill.violations.effectsAtOrAfterExpiry, 'not terminal': randomKill.violations.notTerminal });
    recordResult({
      suite: 'crash',
      title: 'Crash injection (SIGKILL of a real process, then recovery)',
      rows,
      violations: { ...total },
      notes: [
        ...POINTS.map((p) => `${p.name}: ${p.how}`),
        `each run: ${HOLDS_PER_RUN} due holds (2 capture, 2 void), the process killed at the point on hold k = run mod 4, recovery by a fresh process past every lease, then expectConverged against the simulator's ledger`,
        `random kill: ${randomKill.generations} sweeper generations (concurrency 8) over one population, each killed at a random crash point and hit count until one finished`,
      ],
      durationMs: clock(),
    });
  }
});

/** Due holds in a fresh database, authorized 27.5 days ago one second apart (so claims come in index order). */
async function population(database: string, sim: Simulator, count: number, tag: string): Promise<string[]> {
  const at = new ManualClock(Date.now() - 27.5 * DAY_MS);
  const hf = await openOnSimulator(database, sim, at);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    sim.cards.registerSubscription(`${tag}-${i}`, { cardType: 'credit' });
    ids.push((await hf.authorize({ gateway: 'kushki', subscriptionId: `${tag}-${i}`, amount: 1_000 + i, currency: 'PEN', onExpiry: i % 2 === 0 ? 'capture' : 'void' })).id);
    at.advance(1_000);
  }
  await hf.close();
  return ids;
}

/** A fresh process past every lease and in-flight grace sweeps until nothing is due; then the check. */
async function recover(database: string, sim: Simulator, ids: string[], offsetMs: number): Promise<Violations> {
  sim.faults.clear();
  const hf = await openOnSimulator(database, sim, new ManualClock(Date.now() + offsetMs + 3 * 60_000));
  try {
    for (let pass = 0; pass < 6; pass++) if ((await hf.sweep({ concurrency: 8 })).items.length === 0) break;
    const holds = await expectConverged(hf, sim.ledger.snapshot(), ids);
    return tallyViolations(holds, sim.ledger.snapshot());
  } finally {
    await hf.close();
  }
}

/** Starts the child and kills it as soon as the simulator holds a request with the given fault. */
function runKilledInFlight(sim: Simulator, fault: FaultKind, env: Record<string, string>): Promise<ChildResult> {
  const seen = sim.requests().length;
  return runTs(CHILD, env, {
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

/** One run: populate, kill the process at `point` on hold k, recover, check. */
async function crashRun(point: KillPoint, run: number, sim: Simulator): Promise<void> {
  // One database per lane: earlier runs' holds are terminal, so only this run's holds are due.
  const database = join(dir.dir, `lane-${sims.indexOf(sim)}.db`);
  const tag = `${point.name}-${run}-${Math.random().toString(36).slice(2, 8)}`;
  const ids = await population(database, sim, HOLDS_PER_RUN, tag);
  const k = run % HOLDS_PER_RUN;
  const operation = k % 2 === 0 ? 'capture' : 'void';
  const base = { HOLDFAST_DB: database, SIM_URL: sim.url };
  let child: ChildResult;
  let offsetMs = 0;
  switch (point.name) {
    case 'in-flight-uncommitted':
    case 'in-flight-committed': {
      const fault: FaultKind = point.name === 'in-flight-committed' ? 'hang-after-commit' : 'hang-before-commit';
      sim.faults.inject({ kind: fault, gateway: 'kushki', operation });
      child = await runKilledInFlight(sim, fault, { ...base, ROLE: 'sweep', RESPONSE_TIMEOUT_MS: '60000' });
      break;
    }
    case 'retry-before-send': {
      // Every hold's first call ends unknown (5xx before or after the gateway's commit); the child's
      // clock is 20 s ahead so the first retry (15 s) is due, and it dies re-sending hold k.
      const kind: FaultKind = Math.floor(run / HOLDS_PER_RUN) % 2 === 0 ? 'error-after-commit' : 'error-before-commit';
      sim.faults.inject({ kind, gateway: 'kushki', times: HOLDS_PER_RUN });
      const first = await openOnSimulator(database, sim, new ManualClock(Date.now()));
      const report = await first.sweep({ concurrency: 1 });
      await first.close();
      expect(report.totals.unknown).toBe(HOLDS_PER_RUN);
      offsetMs = 20_000;
      child = await runTs(CHILD, { ...base, ROLE: 'sweep', CLOCK_OFFSET_MS: String(offsetMs), HOLDFAST_CRASH_AT: 'before-send', HOLDFAST_CRASH_AFTER: String(k) });
      break;
    }
    case 'api-before-send':
    case 'api-after-response':
      child = await runTs(CHILD, { ...base, ROLE: operation, HOLD_ID: ids[k]!, HOLDFAST_CRASH_AT: point.name.slice(4) });
      break;
    default:
      child = await runTs(CHILD, { ...base, ROLE: 'sweep', HOLDFAST_CRASH_AT: point.name, HOLDFAST_CRASH_AFTER: String(k) });
  }
  expect(child.signal, `${point.name} run ${run}: ${child.stdout}${child.stderr}`).toBe('SIGKILL');
  const violations = await recover(database, sim, ids, offsetMs);
  const f = figures.get(point.name) ?? { runs: 0, capture: 0, void: 0, holds: 0, violations: noViolations() };
  f.runs++;
  f[operation]++;
  f.holds += ids.length;
  addViolations(f.violations, violations);
  figures.set(point.name, f);
}

describe(`crash injection: SIGKILL at ${POINTS.length} points, ${RUNS_PER_POINT} runs each`, () => {
  for (const point of POINTS) {
    it(`${point.name} (${point.process}): every run converges with the gateway's ledger`, async () => {
      await inLanes(Array.from({ length: RUNS_PER_POINT }, (_, i) => i), LANES, (run, lane) => crashRun(point, run, sims[lane]!));
      const f = figures.get(point.name)!;
      expect(f.runs).toBe(RUNS_PER_POINT);
      expect(f.capture).toBeGreaterThan(0);
      expect(f.void).toBeGreaterThan(0);
      expect(Object.values(f.violations).every((n) => n === 0)).toBe(true);
      passedPoints++;
    }, timeoutMs(120_000));
  }

  it('random kills: generations of sweepers, each killed at a random point, converge', async () => {
    const sim = sims[0]!;
    const holds = sized(200, 3_000);
    const database = join(dir.dir, 'random-kill.db');
    const ids = await population(database, sim, holds, `random-${Date.now()}`);
    const random = seededRandom(7);
    let kills = 0;
    let generation = 0;
    let offsetMs = 0;
    for (; generation < sized(12, 150); generation++) {
      const named = POINTS.filter((p) => p.process === 'sweeper' && !p.name.startsWith('in-flight') && p.name !== 'retry-before-send');
      const point = named[Math.floor(random() * named.length)]!;
      // Each generation runs on a clock 2 min past the last one's leases (60 s) and in-flight grace.
      const child = await runTs(CHILD, {
        HOLDFAST_DB: database, SIM_URL: sim.url, ROLE: 'sweep', CONCURRENCY: '8', BATCH_SIZE: '25',
        CLOCK_OFFSET_MS: String(offsetMs), HOLDFAST_CRASH_AT: point.name, HOLDFAST_CRASH_AFTER: String(Math.floor(random() * 16)),
      });
      offsetMs += 2 * 60_000;
      if (child.signal !== 'SIGKILL') {
        // Nothing was left to do (or the drawn hit never came): the population is through.
        expect(child.code, child.stderr).toBe(0);
        break;
      }
      kills++;
    }
    expect(kills).toBeGreaterThanOrEqual(sized(3, 20));
    const violations = await recover(database, sim, ids, offsetMs);
    randomKill = { holds, kills, generations: generation + 1, violations };
    expect(Object.values(violations).every((n) => n === 0)).toBe(true);
  }, timeoutMs(120_000));
});
