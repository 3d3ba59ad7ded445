// Gateway faults: seeded random fault plans at 1 %, 10 % and 30 % of capture and void requests (every
// transport/format fault class alone, and sequences: an unknown outcome followed by 429, by a
// key-reuse 4xx or by "already captured/voided"), passes with the gateway port down (connection
// refused), every class × operation once, and each sequence aimed at chosen holds. Every hold has an
// intent (capture all, capture part, void, operator capture, capture declined → void) and is judged
// against it and the simulator's permissive ledger. One ManualClock is shared by holdfast and the
// simulator; it jumps to each hold's next retry between sweeps, so nobody sleeps.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FAULT_KINDS, startSimulator, type FaultKind, type Simulator, type SimRequestLogEntry } from '../../src/simulator/index.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { Hold } from '../../src/holds/types.js';
import { tempDir } from '../helpers/harness.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { populate, registrarOf, type Planned } from './intents.js';
import { addVerdicts, judge, noVerdicts, verdictColumns, verdictViolations, type Verdicts } from './judge.js';
import { seededRandom } from './lanes.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';
import { sized, timeoutMs } from './scale.js';

const T0 = Date.UTC(2026, 0, 5);
const RESPONSE_MS = 250;
const UNKNOWN_AFTER_COMMIT: FaultKind[] = ['error-after-commit', 'reset-after-commit', 'hang-after-commit'];
const UNKNOWN_BEFORE_COMMIT: FaultKind[] = ['error-before-commit', 'reset-before-commit', 'hang-before-commit'];
/** The follow-ups to an unknown outcome; "refused" is the gateway port down, the rest are fault kinds. */
const FOLLOW_UPS = ['rate-limited', 'refused', 'key-reused', 'already-done'] as const;
/** What a random plan draws from: each fault class alone, and each unknown followed by each answer. */
const SEQUENCES: FaultKind[][] = [
  ...FAULT_KINDS.map((k) => [k]),
  ...[...UNKNOWN_AFTER_COMMIT, ...UNKNOWN_BEFORE_COMMIT].flatMap((u) => [[u, 'rate-limited'] as FaultKind[], [u, 'key-reused'] as FaultKind[]]),
  // "Already captured" is only ever true after the first attempt took effect.
  ...UNKNOWN_AFTER_COMMIT.map((u) => [u, 'already-done'] as FaultKind[]),
];

const dir = tempDir();
const rows: FigureRow[] = [];
const covered = new Set<string>();
const total = noVerdicts();
const elapsed = stopwatch();
const TESTS = 5;
let passed = 0;

afterAll(() => {
  dir.cleanup();
  if (passed !== TESTS) return;
  recordResult({
    suite: 'faults',
    title: 'Gateway faults on capture and void (seeded random plans, sequences, connection refused)',
    rows,
    violations: verdictViolations(total),
    notes: [
      `random plans draw from ${SEQUENCES.length} sequences: each of ${FAULT_KINDS.join(', ')} alone; each unknown (${[...UNKNOWN_AFTER_COMMIT, ...UNKNOWN_BEFORE_COMMIT].join(', ')}) followed by a 429 or a key-reuse 4xx on the same hold's next attempt; each after-commit unknown followed by "already captured/voided"; a pass runs with the gateway port down (ECONNREFUSED) with the plan's rate`,
      `slow-response answers after 400 ms; the client gives up after ${RESPONSE_MS} ms`,
      `fault class × operation pairs seen over the run: ${covered.size} (of ${FAULT_KINDS.length + 2} kinds × 2 operations)`,
      'intents: capture all, void, capture part, capture declined → void (populate), and every fifth hold captured whole by an operator through the API a day after authorization, faults active',
      'the clock (shared by holdfast and the simulator) jumps to the next retry between passes; calls after expiry are counted per request from the simulator\'s request log',
    ],
    durationMs: elapsed(),
  });
});

const OPEN = ['authorizing', 'authorized', 'capturing', 'voiding', 'partially_captured'] as const;

/** Every open hold in the given states, paging through list(). */
async function listOpen(hf: Holdfast): Promise<Hold[]> {
  const out: Hold[] = [];
  for (const state of OPEN) {
    let cursor: string | undefined;
    do {
      const page = await hf.list({ state, limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.holds);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return out.filter((h) => !h.closed);
}

interface Run {
  verdicts: Verdicts;
  /** The holds that were not ok, for the failure message. */
  notOk: string[];
  /** The simulator's request log at the end. */
  log: SimRequestLogEntry[];
  requests: number;
  faults: number;
  refused: number;
  downPasses: number;
  unknown: number;
  passes: number;
}

/** How a scenario faults its run. */
interface FaultScenario {
  label: string;
  count: number;
  seed: number;
  /** Before the first sweep (and before the operator captures): inject or start a random plan. */
  arm(sim: Simulator, planned: readonly Planned[], hf: Holdfast, random: () => number): Promise<void>;
  /** Whether the gateway port is down during this pass. */
  down(pass: number, random: () => number): boolean;
}

/** One population under one scenario: populate, operator captures, sweep to the end, judge. */
async function faultRun(s: FaultScenario): Promise<Run> {
  const clock = new ManualClock(T0);
  const sim = await startSimulator({ clock, ledgerMode: 'permissive' });
  const hf = await openOnSimulator(join(dir.dir, `${s.label}.db`), sim, clock, RESPONSE_MS);
  const random = seededRandom(s.seed);
  try {
    const planned = await populate(hf, registrarOf(sim), s.count, s.label, () => clock.advance(1_000));
    const seen = sim.requests().length;
    await s.arm(sim, planned, hf, random);
    // Every fifth hold is captured whole by an operator a day in, through whatever the plan injects.
    clock.set(T0 + DAY_MS);
    for (const [i, p] of planned.entries()) {
      // (A card whose captures the issuer declines stays "capture declined → void".)
      if (i % 5 !== 4 || p.intent.kind === 'capture-declined-void') continue;
      const amount = (await hf.get(p.id)).amount;
      p.intent = { kind: 'operator-capture', amount };
      if (p.intent.kind === 'operator-capture') await hf.capture(p.id, { amount }).catch(() => undefined);
    }
    clock.set(T0 + 27 * DAY_MS + s.count * 1_000);
    let unknown = 0;
    let passes = 0;
    let downPasses = 0;
    for (; passes < 120; passes++) {
      const down = s.down(passes, random);
      if (down) {
        downPasses++;
        await sim.setDown(true);
      }
      const report = await hf.sweep({ concurrency: 16, batchSize: 100 });
      if (down) await sim.setDown(false);
      unknown += report.totals.unknown;
      const open = await listOpen(hf);
      if (open.length === 0) break;
      // Jump to the earliest moment something is due again: a scheduled retry, the in-flight grace, or
      // the pause after a request that was never sent.
      const next = Math.min(...open.map((h) => h.pending?.retryAt ?? (h.pending ? h.updatedAt + 60_000 : Math.max(h.actBy ?? 0, (h.lastError?.at ?? clock.now()) + 60_000))));
      clock.set(Math.max(clock.now() + 1_000, next));
    }
    sim.faults.clear();
    const cases = await Promise.all(planned.map(async (p) => ({ intent: p.intent, hold: await hf.get(p.id) })));
    const snapshot = sim.snapshot();
    const verdicts = judge(cases, snapshot);
    const requests = snapshot.requests.slice(seen).filter((r) => r.operation !== 'authorize');
    const faulted = requests.filter((r) => r.fault !== null);
    for (const r of faulted) covered.add(`${r.fault}:${r.operation}`);
    const notOk = cases.filter((c) => verdicts.byHold.get(c.hold.id) !== 'ok').map((c) => `${verdicts.byHold.get(c.hold.id)}: ${JSON.stringify(c.intent)} → ${c.hold.state} ${c.hold.capturedAmount}/${c.hold.amount} ${JSON.stringify(c.hold.lastError)} ${JSON.stringify(snapshot.requests.filter((q) => q.authorizationRef === c.hold.gatewayRef).map((q) => [q.operation, q.handling, q.status]))}`);
    return { verdicts, notOk, log: snapshot.requests, requests: requests.length, faults: faulted.length, refused: 0, downPasses, unknown, passes: passes + 1 };
  } finally {
    await hf.close();
    await sim.close();
  }
}

function row(label: string, r: Run): FigureRow {
  return {
    run: label,
    ...verdictColumns(r.verdicts),
    'capture/void requests received': r.requests,
    'faults injected': r.faults,
    'observed fault rate': `${((100 * r.faults) / Math.max(1, r.requests)).toFixed(1)} %`,
    'passes with the port down': r.downPasses,
    'unknown outcomes': r.unknown,
    'sweep passes': r.passes,
  };
}

/** Records a run and asserts the pass criteria: nothing wrong, mismatched, doubled, stuck or late. */
function check(label: string, r: Run, maxLapsed: number): void {
  addVerdicts(total, r.verdicts);
  rows.push(row(label, r));
  expect(verdictViolations(r.verdicts), `${label}\n${r.notOk.join('\n')}`).toEqual({ wrong: 0, mismatch: 0, doubleEffects: 0, stuckInFlight: 0, callsAfterExpiry: 0 });
  expect(r.verdicts.lapsed, `${label}: lapsed`).toBeLessThanOrEqual(maxLapsed);
  expect(r.verdicts.ok + r.verdicts.lapsed).toBe(r.verdicts.holds);
}

describe('gateway faults on capture and void', () => {
  for (const [i, rate] of [0.01, 0.1, 0.3].entries()) {
    it(`seeded random plan at ${rate * 100} % (fault classes and sequences, port down at the same rate): every hold meets its intent`, async () => {
      const count = sized(80, 3_000);
      const r = await faultRun({
        label: `rate-${Math.round(rate * 100)}pct`,
        count,
        seed: 100 + i,
        arm: async (sim) => sim.faults.random({ seed: 200 + i, rate, sequences: SEQUENCES, gateway: 'kushki', delayMs: 400 }),
        down: (_pass, random) => random() < rate,
      });
      check(`random plan, ${rate * 100} %`, r, 0);
      if (rate >= 0.1) expect(r.faults).toBeGreaterThan(0);
      passed++;
    }, timeoutMs(90_000));
  }

  it('every fault class on capture and on void, once each', async () => {
    const r = await faultRun({
      label: 'every-class',
      count: 40,
      seed: 99,
      arm: async (sim) => {
        for (const kind of FAULT_KINDS) for (const operation of ['capture', 'void'] as const) sim.faults.inject({ kind, gateway: 'kushki', operation, ...(kind === 'slow-response' ? { delayMs: 400 } : {}) });
      },
      down: () => false,
    });
    check('every class × {capture, void} once', r, 0);
    expect(r.faults).toBe(FAULT_KINDS.length * 2);
    passed++;
  }, timeoutMs(60_000));

  it('each unknown outcome followed by 429, connection refused, key reuse and "already captured/voided", aimed at chosen holds', async () => {
    // One hold per (unknown, follow-up, operation); "already done" only after an unknown that took effect.
    const combos: { unknown: FaultKind; follow: (typeof FOLLOW_UPS)[number] }[] = [];
    for (const unknown of [...UNKNOWN_AFTER_COMMIT, ...UNKNOWN_BEFORE_COMMIT]) {
      for (const follow of FOLLOW_UPS) if (follow !== 'already-done' || UNKNOWN_AFTER_COMMIT.includes(unknown)) combos.push({ unknown, follow });
    }
    const aimed = new Map<string, string>();
    let refusedFrom = Infinity;
    const r = await faultRun({
      label: 'sequences',
      count: combos.length * 2 * 3, // every other hold is captured or voided by an operator or declined: aim at the plain ones
      seed: 98,
      arm: async (sim, planned, hf) => {
        // The plain capture-all and void holds, in order: combo c gets one of each.
        const capture = planned.filter((p, i) => p.intent.kind === 'capture-all' && i % 5 !== 4);
        const voids = planned.filter((p, i) => p.intent.kind === 'void' && i % 5 !== 4);
        for (const [c, { unknown, follow }] of combos.entries()) {
          for (const [operation, p] of [['capture', capture[c]], ['void', voids[c]]] as const) {
            if (p === undefined) throw new Error(`population too small for combo ${c}`);
            const ref = (await hf.get(p.id)).gatewayRef!;
            aimed.set(ref, `${unknown}→${follow}:${operation}`);
            sim.faults.inject({ kind: unknown, gateway: 'kushki', operation, authorizationRef: ref });
            if (follow !== 'refused') sim.faults.inject({ kind: follow, gateway: 'kushki', operation, authorizationRef: ref });
          }
        }
        refusedFrom = 1; // the first retry pass (every aimed hold's second attempt) runs with the port down
      },
      // Pass 1 is the first retry of the first-pass unknowns: refused for every aimed hold still open.
      down: (pass) => pass === refusedFrom,
    });
    check('sequences aimed at chosen holds', r, 0);
    // Each aimed hold met its unknown and then its follow-up (a refused request never arrives: the
    // port was down for exactly the pass of those holds' second attempt).
    const met = [...aimed].filter(([ref, combo]) => {
      const [unknown, rest] = combo.split('→') as [string, string];
      const follow = rest.split(':')[0]!;
      const handled = r.log.filter((q) => q.authorizationRef === ref && q.operation !== 'authorize').map((q) => q.fault);
      return handled[0] === unknown && (follow === 'refused' || handled[1] === follow);
    }).length;
    expect(met).toBe(combos.length * 2);
    expect(r.downPasses).toBe(1);
    passed++;
  }, timeoutMs(60_000));
});
