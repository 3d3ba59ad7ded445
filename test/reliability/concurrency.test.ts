// Concurrency: 2, 4 and 8 real sweeper processes on one SQLite file with every hold due at once, and
// rounds of the API racing a sweeper over the same holds. Pass: exactly one gateway effect per hold,
// no SQLITE_BUSY surfaced, the loser of each race told so with a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { HoldfastError } from '../../src/errors.js';
import { tempDir } from '../helpers/harness.js';
import { runTs } from '../helpers/processes.js';
import { expectConverged } from '../helpers/invariants.js';
import { authorizeDue, openOnSimulator } from './kushki-holdfast.js';
import { addViolations, noViolations, tallyViolations } from './tally.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';
import { sized, timeoutMs } from './scale.js';

let sim: Simulator;
const dir = tempDir();
const rows: FigureRow[] = [];
const total = { ...noViolations(), sqliteBusy: 0, effectsNotExactlyOne: 0 };
const elapsed = stopwatch();
let passed = 0;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 1 });
});
afterAll(async () => {
  await sim.close();
  dir.cleanup();
  if (passed === 4) {
    recordResult({
      suite: 'concurrency',
      title: 'Concurrency (sweeper processes on one SQLite file; API racing a sweeper)',
      rows,
      violations: { ...total },
      notes: ['sweepers: test/fixtures/sweep-child.ts, concurrency 8, batches of 10, two passes each, all holds due at once', 'races: capture() through the API against a sweeper voiding the same holds, 40 holds per round'],
      durationMs: elapsed(),
    });
  }
});

/** Exactly one capture or void per hold at the gateway. */
function effectsNotExactlyOne(ids: readonly string[], refs: Map<string, string>): number {
  const ledger = sim.ledger.snapshot();
  const byRef = new Map(ledger.authorizations.map((a) => [a.ref, a]));
  return ids.filter((id) => {
    const auth = byRef.get(refs.get(id) ?? '');
    return !auth || auth.captures.length + auth.voids.length !== 1;
  }).length;
}

describe('sweeper processes on one SQLite file', () => {
  for (const processes of [2, 4, 8]) {
    it(`${processes} processes, every hold due at once: each acted on exactly once, no SQLITE_BUSY`, async () => {
      const count = sized(240, 3_000);
      const database = join(dir.dir, `multi-${processes}.db`);
      const setup = await openOnSimulator(database, sim, new ManualClock(Date.now() - 27.5 * DAY_MS));
      const ids = await authorizeDue(setup, count, `multi${processes}-${Date.now()}`);
      await setup.close();
      const started = stopwatch();
      const children = await Promise.all(
        Array.from({ length: processes }, () => runTs('test/fixtures/sweep-child.ts', { HOLDFAST_DB: database, SIM_URL: sim.url, CONCURRENCY: '8', BATCH_SIZE: '10', SWEEPS: '2' })),
      );
      const wall = started();
      const busy = children.filter((c) => /SQLITE_BUSY|database is locked/.test(c.stderr + c.stdout)).length;
      total.sqliteBusy += busy;
      expect(busy).toBe(0);
      const totals = children.map((c) => {
        expect(c.code, c.stderr).toBe(0);
        return JSON.parse(c.stdout.trim()) as Record<string, number>;
      });
      const sum = (k: string) => totals.reduce((s, t) => s + (t[k] ?? 0), 0);
      expect(sum('approved'), JSON.stringify(totals)).toBe(count);
      expect(sum('error')).toBe(0);
      const check = await openOnSimulator(database, sim, new ManualClock(Date.now()));
      const holds = await expectConverged(check, sim.ledger.snapshot(), ids);
      await check.close();
      const violations = tallyViolations(holds, sim.ledger.snapshot());
      addViolations(total, violations);
      const notOne = effectsNotExactlyOne(ids, new Map(holds.map((h) => [h.id, h.gatewayRef ?? ''])));
      total.effectsNotExactlyOne += notOne;
      expect(notOne).toBe(0);
      rows.push({
        scenario: `${processes} sweeper processes`,
        holds: count,
        'holds acted on': sum('approved'),
        'processes that acted': totals.filter((t) => (t.approved ?? 0) > 0).length,
        conflicts: sum('conflict'),
        'SQLITE_BUSY surfaced': busy,
        'holds without exactly one effect': notOne,
        'wall time': `${(wall / 1000).toFixed(1)} s`,
      });
      passed++;
    }, timeoutMs(90_000));
  }

  it('the API racing a sweeper over the same holds: one effect each, the loser gets a typed error', async () => {
    const rounds = sized(5, 30);
    const perRound = 40;
    let apiWins = 0;
    let sweeperWins = 0;
    let notOne = 0;
    for (let round = 0; round < rounds; round++) {
      const database = join(dir.dir, `race-${round}.db`);
      const clock = new ManualClock(Date.now() - 27.5 * DAY_MS);
      const api = await openOnSimulator(database, sim, clock);
      const ids = await authorizeDue(api, perRound, `race${round}-${Date.now()}`);
      for (const id of ids) await api.setOnExpiry(id, 'void');
      clock.set(Date.now());
      const sweeper = await openOnSimulator(database, sim, new ManualClock(Date.now()));
      const [report, captures] = await Promise.all([sweeper.sweep({ concurrency: 4, batchSize: 5 }), Promise.allSettled(ids.map((id) => api.capture(id)))]);
      for (const result of captures) {
        if (result.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(HoldfastError);
          expect(['CONFLICT', 'INVALID_TRANSITION']).toContain((result.reason as HoldfastError).code);
        }
      }
      const holds = await expectConverged(api, sim.ledger.snapshot(), ids);
      addViolations(total, tallyViolations(holds, sim.ledger.snapshot()));
      const wins = captures.filter((c) => c.status === 'fulfilled').length;
      expect(holds.filter((h) => h.state === 'captured')).toHaveLength(wins);
      expect(report.totals.approved).toBe(perRound - wins);
      notOne += effectsNotExactlyOne(ids, new Map(holds.map((h) => [h.id, h.gatewayRef ?? ''])));
      apiWins += wins;
      sweeperWins += perRound - wins;
      await api.close();
      await sweeper.close();
    }
    total.effectsNotExactlyOne += notOne;
    expect(notOne).toBe(0);
    rows.push({
      scenario: `API vs sweeper, ${rounds} rounds`,
      holds: rounds * perRound,
      'holds acted on': apiWins + sweeperWins,
      'processes that acted': `API won ${apiWins}, sweeper ${sweeperWins}`,
      conflicts: '-',
      'SQLITE_BUSY surfaced': 0,
      'holds without exactly one effect': notOne,
      'wall time': '-',
    });
    passed++;
  }, timeoutMs(90_000));
});
