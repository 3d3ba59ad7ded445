// Concurrency: real sweeper processes on one database (a SQLite file; PostgreSQL when
// HOLDFAST_TEST_PG_URL is set) with every hold due at once, and rounds of the API racing a sweeper
// over the same holds. Each hold is judged against its intent and the simulator's permissive ledger
// (where a second capture or void would take effect, not be refused). Pass: no wrong or mismatched
// hold, no double effect, no SQLITE_BUSY surfaced, the loser of each race told so with a typed error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { HoldfastError } from '../../src/errors.js';
import type { Holdfast } from '../../src/holds/holdfast.js';
import { DIALECTS } from '../helpers/dialects.js';
import { runTs } from '../helpers/processes.js';
import { openOnSimulator } from './kushki-holdfast.js';
import { populate, registrarOf, type Planned } from './intents.js';
import { addVerdicts, judge, noVerdicts, verdictColumns, verdictViolations } from './judge.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';
import { sized, timeoutMs } from './scale.js';

/** The simulator and holdfast share one clock: the system clock plus this offset. */
let offset = 0;
let sim: Simulator;
const rows: FigureRow[] = [];
const total = { ...noVerdicts(), sqliteBusy: 0, untypedLosers: 0 };
const elapsed = stopwatch();
const running = DIALECTS.filter((d) => d.skipReason === null);
const PROCESSES: Record<string, readonly number[]> = { sqlite: sized([4], [2, 4, 8]), postgres: sized([4], [4, 8]) };
const expectedTests = running.reduce((n, d) => n + PROCESSES[d.name]!.length + 1, 0);
let passed = 0;

beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 1, clock: { now: () => Date.now() + offset }, ledgerMode: 'permissive' });
});
afterAll(async () => {
  await sim.close();
  if (passed !== expectedTests) return;
  const { sqliteBusy, untypedLosers, ...verdicts } = total;
  recordResult({
    suite: 'concurrency',
    title: `Concurrency (sweeper processes on one database; API racing a sweeper) on ${running.map((d) => d.name).join(' and ')}`,
    rows,
    violations: { ...verdictViolations(verdicts), sqliteBusy, untypedLosers },
    notes: [
      'sweepers: test/fixtures/sweep-child.ts, concurrency 8, batches of 10, two passes each, all holds due at once; intents cycle capture all, void, capture part, capture declined → void',
      'races: capture() of the whole hold through the API against a sweeper voiding the same holds, 40 holds per round; a hold whose capture the API won is meant captured (operator capture), the others voided',
    ],
    durationMs: elapsed(),
  });
});

/** holdfast on the shared clock, moved to `at` (an offset from now). */
function openAt(database: string, at: number): Promise<Holdfast> {
  offset = at;
  return openOnSimulator(database, sim, { now: () => Date.now() + offset }, 5_000);
}

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`sweeper processes on one ${dialect.name} database`, () => {
    for (const processes of PROCESSES[dialect.name]!) {
      it(`${processes} processes, every hold due at once: each meets its intent, one effect each, no SQLITE_BUSY`, async () => {
        const count = sized(120, 3_000);
        const created = await dialect.create();
        try {
          const { database } = created;
          const setup = await openAt(database, -27.5 * DAY_MS);
          const planned = await populate(setup, registrarOf(sim), count, `multi${processes}-${dialect.name}-${Date.now()}`);
          await setup.close();
          offset = 0;
          const started = stopwatch();
          const children = await Promise.all(
            Array.from({ length: processes }, () => runTs('test/fixtures/sweep-child.ts', { HOLDFAST_DB: database, SIM_URL: sim.url, CONCURRENCY: '8', BATCH_SIZE: '10', SWEEPS: '2' })),
          );
          const wall = started();
          const busy = children.filter((c) => /SQLITE_BUSY|database is locked/.test(c.stderr + c.stdout)).length;
          total.sqliteBusy += busy;
          const totals = children.map((c) => {
            expect(c.code, c.stderr).toBe(0);
            return JSON.parse(c.stdout.trim()) as Record<string, number>;
          });
          const sum = (k: string) => totals.reduce((s, t) => s + (t[k] ?? 0), 0);
          const check = await openAt(database, 0);
          // A declined capture turns the plan into a void; a last pass releases any not yet voided.
          await check.sweep({ concurrency: 8 });
          const cases = await Promise.all(planned.map(async (p) => ({ intent: p.intent, hold: await check.get(p.id) })));
          await check.close();
          const verdicts = judge(cases, sim.snapshot());
          addVerdicts(total, verdicts);
          rows.push({
            scenario: `${processes} sweeper processes (${dialect.name})`,
            ...verdictColumns(verdicts),
            'processes that acted': totals.filter((t) => (t.approved ?? 0) > 0).length,
            conflicts: sum('conflict'),
            'SQLITE_BUSY surfaced': busy,
            'wall time': `${(wall / 1000).toFixed(1)} s`,
          });
          expect(busy).toBe(0);
          expect(sum('error')).toBe(0);
          expect(verdictViolations(verdicts)).toEqual({ wrong: 0, mismatch: 0, doubleEffects: 0, stuckInFlight: 0, callsAfterExpiry: 0 });
          expect(verdicts.ok).toBe(count);
          // The work was actually shared: more than one process acted.
          expect(totals.filter((t) => (t.approved ?? 0) > 0).length).toBeGreaterThan(1);
          passed++;
        } finally {
          await created.drop();
        }
      }, timeoutMs(90_000));
    }

    it('the API racing a sweeper over the same holds: one effect each, the loser gets a typed error', async () => {
      const rounds = sized(2, 30);
      const perRound = 40;
      const tally = noVerdicts();
      let apiWins = 0;
      let untyped = 0;
      for (let round = 0; round < rounds; round++) {
        const created = await dialect.create();
        try {
          const api = await openAt(created.database, -27.5 * DAY_MS);
          const ids: string[] = [];
          for (let i = 0; i < perRound; i++) {
            const subscriptionId = `race${round}-${dialect.name}-${Date.now()}-${i}`;
            sim.cards.registerSubscription(subscriptionId, { cardType: 'credit' });
            ids.push((await api.authorize({ gateway: 'kushki', subscriptionId, amount: 1_000 + i, currency: 'USD', onExpiry: 'void' })).id);
          }
          offset = 0;
          const sweeper = await openOnSimulator(created.database, sim, { now: () => Date.now() + offset }, 5_000);
          // The API starts capturing once the sweeper has acted on its first hold, so both sides are
          // certainly running when the rest are decided.
          let startCaptures!: () => void;
          const sweeperStarted = new Promise<void>((resolve) => (startCaptures = resolve));
          const [report, captures] = await Promise.all([
            sweeper.sweep({ concurrency: 4, batchSize: 5, onItem: () => startCaptures() }),
            sweeperStarted.then(() => Promise.allSettled(ids.map((id) => api.capture(id)))),
          ]);
          for (const result of captures) {
            if (result.status === 'rejected' && !(result.reason instanceof HoldfastError && ['CONFLICT', 'INVALID_TRANSITION'].includes(result.reason.code))) untyped++;
          }
          // Whoever committed its intent first decided each hold: the API's capture, or the sweeper's void.
          const planned: Planned[] = await Promise.all(
            ids.map(async (id, i) => ({ id, intent: captures[i]!.status === 'fulfilled' ? { kind: 'operator-capture' as const, amount: (await api.get(id)).amount } : { kind: 'void' as const } })),
          );
          const cases = await Promise.all(planned.map(async (p) => ({ intent: p.intent, hold: await api.get(p.id) })));
          addVerdicts(tally, judge(cases, sim.snapshot()));
          const wins = captures.filter((c) => c.status === 'fulfilled').length;
          expect(report.totals.approved).toBe(perRound - wins);
          apiWins += wins;
          await api.close();
          await sweeper.close();
        } finally {
          await created.drop();
        }
      }
      addVerdicts(total, tally);
      total.untypedLosers += untyped;
      rows.push({ scenario: `API vs sweeper, ${rounds} rounds (${dialect.name})`, ...verdictColumns(tally), 'processes that acted': `API won ${apiWins}, sweeper ${rounds * perRound - apiWins}`, conflicts: '-', 'SQLITE_BUSY surfaced': '-', 'wall time': '-' });
      expect(untyped).toBe(0);
      // Both sides won some: the race was real, and the version check decided each hold once.
      expect(apiWins).toBeGreaterThan(0);
      expect(apiWins).toBeLessThan(rounds * perRound);
      expect(verdictViolations(tally)).toEqual({ wrong: 0, mismatch: 0, doubleEffects: 0, stuckInFlight: 0, callsAfterExpiry: 0 });
      expect(tally.ok).toBe(rounds * perRound);
      passed++;
    }, timeoutMs(90_000));
  });
}
