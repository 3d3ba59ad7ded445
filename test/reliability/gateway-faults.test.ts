// Gateway faults at a rate: every fault class of the simulator, drawn at random for capture and void
// requests at 1 %, 10 % and 30 %, over populations of due holds. A ManualClock shared by holdfast and
// the simulator jumps to each hold's next retry between sweeps, so unknown outcomes are retried on
// their schedule without anyone sleeping. Pass: every hold ends terminal and agrees with the ledger.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FAULT_KINDS, startSimulator, type FaultKind, type Simulator } from '../../src/simulator/index.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { Hold } from '../../src/holds/types.js';
import { tempDir } from '../helpers/harness.js';
import { expectConverged } from '../helpers/invariants.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { addViolations, noViolations, tallyViolations } from './tally.js';
import { seededRandom } from './lanes.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';
import { sized, timeoutMs } from './scale.js';

const T0 = Date.UTC(2026, 0, 5);
const RESPONSE_MS = 250;
const dir = tempDir();
const rows: FigureRow[] = [];
const covered = new Set<string>();
const total = noViolations();
const elapsed = stopwatch();
let passed = 0;

afterAll(() => {
  dir.cleanup();
  if (passed === 4) {
    recordResult({
      suite: 'faults',
      title: 'Gateway faults on capture and void (simulator fault classes at a rate)',
      rows,
      violations: { ...total },
      notes: [
        `fault classes: ${FAULT_KINDS.join(', ')}; each drawn uniformly for a faulted request; slow-response is 20 ms or 400 ms (the client gives up after ${RESPONSE_MS} ms)`,
        `fault class × operation pairs seen over the run: ${covered.size} of ${FAULT_KINDS.length * 2} (the "every class" row injects each pair once by construction)`,
        'the clock (shared by holdfast and the simulator) jumps to the next retry between passes; effects are checked against each hold\'s expiresAt on that clock',
      ],
      durationMs: elapsed(),
    });
  }
});

const OPEN = ['authorized', 'capturing', 'voiding', 'partially_captured'] as const;

/** Every hold in the given states, paging through list(). */
async function listAll(hf: Holdfast, states: readonly string[]): Promise<Hold[]> {
  const out: Hold[] = [];
  for (const state of states) {
    let cursor: string | undefined;
    do {
      const page = await hf.list({ state: state as Hold['state'], limit: 1000, ...(cursor ? { cursor } : {}) });
      out.push(...page.holds);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return out.filter((h) => !h.closed);
}

interface Run {
  holds: number;
  requests: number;
  faults: number;
  unknown: number;
  passes: number;
  simulatedMs: number;
  states: Record<string, number>;
}

/** One population under one fault rate (or, with `everyClass`, each class × operation once). */
async function faultRun(label: string, rate: number, count: number, seed: number, everyClass = false): Promise<Run> {
  const clock = new ManualClock(T0);
  const sim: Simulator = await startSimulator({ clock });
  const hf = await openOnSimulator(join(dir.dir, `${label}.db`), sim, clock, RESPONSE_MS);
  const random = seededRandom(seed);
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const onExpiry = i % 2 === 0 ? 'capture' : 'void';
      const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `${label}-${i}`, amount: 500 + Math.floor(random() * 50_000), currency: 'USD', onExpiry });
      // A third of the captures are partial: the rest is released (Kushki captures once).
      if (onExpiry === 'capture' && i % 3 === 0) await hf.setOnExpiry(hold.id, 'capture', { amount: Math.max(1, Math.floor(hold.amount / 2)) });
      ids.push(hold.id);
      clock.advance(1_000);
    }
    const started = clock.now();
    clock.set(T0 + 27 * DAY_MS + count * 1_000);
    const seen = sim.requests().length;
    let unknown = 0;
    let passes = 0;
    for (; passes < 80; passes++) {
      const due = (await hf.sweep({ dryRun: true })).items.length;
      if (everyClass && passes === 0) {
        for (const kind of FAULT_KINDS) for (const operation of ['capture', 'void'] as const) sim.faults.inject(spec(kind, operation, random));
      } else {
        for (let i = 0; i < due; i++) if (random() < rate) sim.faults.inject(spec(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!, undefined, random));
      }
      const report = await hf.sweep({ concurrency: 16, batchSize: 100 });
      unknown += report.totals.unknown;
      sim.faults.clear();
      const open = await listAll(hf, OPEN);
      if (open.length === 0) break;
      // Jump to the earliest moment something is due again: a scheduled retry, the in-flight grace, or
      // the pause after a request that was never sent.
      const next = Math.min(...open.map((h) => h.pending?.retryAt ?? (h.pending ? h.updatedAt + 60_000 : (h.lastError?.at ?? clock.now()) + 60_000)));
      clock.set(Math.max(clock.now() + 1_000, next));
    }
    const ledger = sim.ledger.snapshot();
    const holds = await expectConverged(hf, ledger, ids);
    addViolations(total, tallyViolations(holds, ledger));
    const requests = sim.requests().slice(seen).filter((r) => r.operation !== 'authorize');
    const faulted = requests.filter((r) => (FAULT_KINDS as readonly string[]).includes(r.handling));
    for (const r of faulted) covered.add(`${r.handling}:${r.operation}`);
    if (everyClass) expect(new Set(faulted.map((r) => `${r.handling}:${r.operation}`)).size).toBe(FAULT_KINDS.length * 2);
    const states: Record<string, number> = {};
    for (const h of holds) states[h.state] = (states[h.state] ?? 0) + 1;
    return { holds: count, requests: requests.length, faults: faulted.length, unknown, passes: passes + 1, simulatedMs: clock.now() - started, states };
  } finally {
    await hf.close();
    await sim.close();
  }
}

function spec(kind: FaultKind, operation: 'capture' | 'void' | undefined, random: () => number) {
  return { kind, gateway: 'kushki' as const, ...(operation ? { operation } : {}), ...(kind === 'slow-response' ? { delayMs: random() < 0.5 ? 20 : 400 } : {}) };
}

function row(label: string, r: Run): FigureRow {
  return {
    run: label,
    holds: r.holds,
    'capture/void requests': r.requests,
    'faults injected': r.faults,
    'observed fault rate': `${((100 * r.faults) / Math.max(1, r.requests)).toFixed(1)} %`,
    'unknown outcomes retried': r.unknown,
    'sweep passes': r.passes,
    captured: r.states.captured ?? 0,
    'partially captured': r.states.partially_captured ?? 0,
    voided: r.states.voided ?? 0,
    expired: r.states.expired ?? 0,
  };
}

describe('gateway faults on capture and void, at a rate', () => {
  for (const [i, rate] of [0.01, 0.1, 0.3].entries()) {
    it(`${rate * 100} % of requests faulted: every hold converges and agrees with the ledger`, async () => {
      const count = sized(300, 3_000);
      const r = await faultRun(`rate-${Math.round(rate * 100)}pct`, rate, count, 100 + i);
      rows.push(row(`${rate * 100} % faults`, r));
      expect(r.states.captured! + (r.states.partially_captured ?? 0) + (r.states.voided ?? 0) + (r.states.expired ?? 0)).toBe(count);
      if (rate >= 0.1) expect(r.faults).toBeGreaterThan(0);
      passed++;
    }, timeoutMs(90_000));
  }

  it('every fault class on capture and on void, once each: converges', async () => {
    const r = await faultRun('every-class', 0, 40, 99, true);
    rows.push(row('every class × {capture, void} once', r));
    expect(r.faults).toBe(FAULT_KINDS.length * 2);
    passed++;
  }, timeoutMs(60_000));
});
