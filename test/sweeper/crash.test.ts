// SIGKILL a real sweeper process at each point between claim and committed result, restart, and
// check against the simulator's ledger: no double capture, no lost hold, nothing after expiresAt.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { join } from 'node:path';
import pino from 'pino';
import { startSimulator, type Simulator, type FaultKind } from '../../src/simulator/index.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import { tempDir } from '../helpers/harness.js';
import { runTs } from '../helpers/processes.js';
import { expectConverged } from '../helpers/invariants.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(async () => sim.close());

const logger = pino({ level: 'silent' });
const open = (database: string, clock: ManualClock): Promise<Holdfast> =>
  openHoldfast({ database, clock, logger, gateways: [createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'test-merchant', timeouts: { responseMs: 2_000, requestMs: 3_000 } })] });

/** Six credit holds due now (authorized 27.5 days ago), half planned for capture, half for void. */
async function population(database: string): Promise<string[]> {
  const realNow = Date.now();
  const hf = await open(database, new ManualClock(realNow - 27.5 * DAY_MS));
  const ids: string[] = [];
  for (let i = 0; i < 6; i++) {
    const subscriptionId = `crash-${i}-${Math.random().toString(36).slice(2, 8)}`;
    sim.cards.registerSubscription(subscriptionId, { cardType: 'credit' });
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId, amount: 1_000 + i, currency: 'PEN', onExpiry: i % 2 === 0 ? 'capture' : 'void' });
    ids.push(hold.id);
  }
  await hf.close();
  return ids;
}

/** Sweeps with a clock past every lease and in-flight grace until nothing is due, then checks. */
async function recoverAndCheck(database: string, ids: string[]): Promise<void> {
  sim.faults.clear();
  const hf = await open(database, new ManualClock(Date.now() + 3 * 60_000));
  for (let pass = 0; pass < 5; pass++) if ((await hf.sweep()).items.length === 0) break;
  await expectConverged(hf, sim.ledger.snapshot(), ids);
  await hf.close();
}

const IN_PROCESS_POINTS = ['after-claim', 'after-intent', 'after-response', 'after-result'] as const;
const IN_FLIGHT_FAULTS: FaultKind[] = ['hang-before-commit', 'hang-after-commit'];

describe('crash safety: SIGKILL between claim and committed result', () => {
  for (const point of IN_PROCESS_POINTS) {
    for (const after of [0, 2]) {
      it(`converges after a kill at ${point} (after ${after} earlier passes)`, async () => {
        const dir = tempDir();
        try {
          const database = join(dir.dir, 'crash.db');
          const ids = await population(database);
          const child = await runTs('test/fixtures/sweep-child.ts', { HOLDFAST_DB: database, SIM_URL: sim.url, HOLDFAST_CRASH_AT: point, HOLDFAST_CRASH_AFTER: String(after), CONCURRENCY: '1', BATCH_SIZE: '2' });
          expect(child.signal, child.stderr).toBe('SIGKILL');
          await recoverAndCheck(database, ids);
        } finally {
          dir.cleanup();
        }
      });
    }
  }

  for (const fault of IN_FLIGHT_FAULTS) {
    for (const operation of ['capture', 'void'] as const) {
      it(`converges after a kill while a ${operation} is in flight (${fault})`, async () => {
        const dir = tempDir();
        try {
          const database = join(dir.dir, 'crash.db');
          const ids = await population(database);
          sim.faults.inject({ kind: fault, gateway: 'kushki', operation });
          const seen = sim.requests().length;
          const child = await runTs(
            'test/fixtures/sweep-child.ts',
            { HOLDFAST_DB: database, SIM_URL: sim.url, CONCURRENCY: '1', RESPONSE_TIMEOUT_MS: '60000' },
            {
              onStart: (kill) => {
                // Kill the moment the simulator holds the request (polling for an event, not a sleep).
                const timer = setInterval(() => {
                  if (sim.requests().slice(seen).some((r) => r.handling === fault)) {
                    clearInterval(timer);
                    kill();
                  }
                }, 5);
              },
            },
          );
          expect(child.signal, child.stderr).toBe('SIGKILL');
          await recoverAndCheck(database, ids);
        } finally {
          dir.cleanup();
        }
      });
    }
  }
});
