// Several sweeper processes on one database (SQLite file or PostgreSQL) share the work: every due hold is acted on exactly
// once and no SQLITE_BUSY reaches anyone. And the API racing a sweeper: one gateway effect, a clear
// answer for the loser.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import pino from 'pino';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { HoldfastError } from '../../src/errors.js';
import { DIALECTS } from '../helpers/dialects.js';
import { runTs } from '../helpers/processes.js';
import { expectConverged } from '../helpers/invariants.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ latencyMs: 1 });
});
afterAll(async () => sim.close());

const logger = pino({ level: 'silent' });
const open = (database: string, clock: ManualClock): Promise<Holdfast> =>
  openHoldfast({ database, clock, logger, gateways: [createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm', timeouts: { responseMs: 5_000, requestMs: 6_000 } })] });

/** `count` credit holds authorized 27.5 days ago: due now, half to capture and half to void. */
async function dueHolds(hf: Holdfast, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `${tag}-${i}`, amount: 500 + i, currency: 'USD', onExpiry: i % 2 === 0 ? 'capture' : 'void' });
    ids.push(hold.id);
  }
  return ids;
}

for (const dialect of DIALECTS) {
describe.skipIf(dialect.skipReason !== null)(`several sweeper processes on one ${dialect.name} database`, () => {
  const count = dialect.name === 'postgres' ? 2000 : 1000;
  it(`4 processes, ${count} due holds: each acted on exactly once, no SQLITE_BUSY`, async () => {
    const created = await dialect.create();
    try {
      const database = created.database;
      const setup = await open(database, new ManualClock(Date.now() - 27.5 * DAY_MS));
      const ids = await dueHolds(setup, count, `multi-${Date.now()}`);
      await setup.close();
      const children = await Promise.all(
        Array.from({ length: 4 }, () => runTs('test/fixtures/sweep-child.ts', { HOLDFAST_DB: database, SIM_URL: sim.url, CONCURRENCY: '8', BATCH_SIZE: '10', SWEEPS: '2' })),
      );
      const totals = children.map((c) => {
        expect(c.code, c.stderr).toBe(0);
        expect(c.stderr).not.toMatch(/SQLITE_BUSY|database is locked/);
        return JSON.parse(c.stdout.trim()) as Record<string, number>;
      });
      const approved = totals.reduce((sum, t) => sum + (t.approved ?? 0), 0);
      expect(approved).toBe(count);
      expect(totals.reduce((sum, t) => sum + (t.error ?? 0) + (t.conflict ?? 0), 0)).toBe(0);
      // The work was actually shared: more than one process acted.
      expect(totals.filter((t) => (t.approved ?? 0) > 0).length).toBeGreaterThan(1);
      const check = await open(database, new ManualClock(Date.now()));
      const holds = await expectConverged(check, sim.ledger.snapshot(), ids);
      expect(holds.filter((h) => h.state === 'captured')).toHaveLength(count / 2);
      expect(holds.filter((h) => h.state === 'voided')).toHaveLength(count / 2);
      await check.close();
    } finally {
      await created.drop();
    }
  }, 120_000);
});

describe.skipIf(dialect.skipReason !== null)(`the API racing a sweeper on ${dialect.name}`, () => {
  it('capture through the API against a sweeper voiding the same holds: one effect each, the loser gets a clear answer', async () => {
    const created = await dialect.create();
    try {
      const database = created.database;
      const clock = new ManualClock(Date.now() - 27.5 * DAY_MS);
      const api = await open(database, clock);
      const ids = await dueHolds(api, 40, `race-${Date.now()}`);
      for (const id of ids) await api.setOnExpiry(id, 'void');
      clock.set(Date.now());
      const sweeper = await open(database, new ManualClock(Date.now()));
      // The API starts capturing once the sweeper has acted on its first hold, so both sides are
      // certainly running when the rest are decided (whoever commits its intent first wins each one).
      let startCaptures!: () => void;
      const sweeperStarted = new Promise<void>((resolve) => (startCaptures = resolve));
      const [report, captures] = await Promise.all([
        sweeper.sweep({ concurrency: 4, batchSize: 5, onItem: () => startCaptures() }),
        sweeperStarted.then(() => Promise.allSettled(ids.map((id) => api.capture(id)))),
      ]);
      for (const result of captures) {
        if (result.status === 'rejected') {
          expect(result.reason).toBeInstanceOf(HoldfastError);
          expect(['CONFLICT', 'INVALID_TRANSITION']).toContain((result.reason as HoldfastError).code);
        }
      }
      const holds = await expectConverged(api, sim.ledger.snapshot(), ids);
      const captured = holds.filter((h) => h.state === 'captured').length;
      const apiWins = captures.filter((c) => c.status === 'fulfilled').length;
      expect(captured).toBe(apiWins);
      // Both sides won some: the race was real, and the version check decided each hold once.
      expect(apiWins).toBeGreaterThan(0);
      expect(apiWins).toBeLessThan(40);
      expect(report.totals.approved).toBe(40 - apiWins);
      await api.close();
      await sweeper.close();
    } finally {
      await created.drop();
    }
  });
});
}
