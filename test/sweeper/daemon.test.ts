// The daemon: first sweep at start, metrics and health on loopback, graceful shutdown on a real signal.
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { join } from 'node:path';
import pino from 'pino';
import { openHarness, DAY_MS, quietSchedule } from '../helpers/harness.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { openHoldfast } from '../../src/holds/holdfast.js';
import { ManualClock } from '../../src/clock.js';
import { tempDir } from '../helpers/harness.js';
import { runTs } from '../helpers/processes.js';
import { ConfigError } from '../../src/errors.js';
import { engineOf } from '../../src/holds/internals.js';

describe('daemon in process', () => {
  it('sweeps at start, serves /metrics and /healthz, and turns unhealthy when sweeps stop', async () => {
    const h = await openHarness();
    try {
      const holds = await Promise.all([1, 2, 3].map((i) => h.hf.authorize({ gateway: 'fake', amount: 1000 * i, currency: 'PEN', subscriptionId: `d${i}` })));
      await h.hf.setOnExpiry(holds[0]!.id, 'capture');
      h.clock.advance(12 * 3_600_000);
      await h.hf.authorize({ gateway: 'fake', amount: 700, currency: 'USD', subscriptionId: 'later', orderId: 'later' });
      h.clock.set(holds[0]!.actBy!);
      const daemon = await startDaemon(h.hf, { metricsPort: 0, schedule: quietSchedule() });
      await daemon.firstSweep;
      expect((await h.hf.list({ state: 'voided' })).holds).toHaveLength(2);
      expect((await h.hf.list({ state: 'captured' })).holds).toHaveLength(1);
      const metrics = await (await fetch(`${daemon.metricsUrl}/metrics`)).text();
      expect(metrics).toContain('holdfast_holds{state="voided"} 2');
      expect(metrics).toContain('holdfast_holds{state="authorized"} 1');
      expect(metrics).toContain('holdfast_hold_amount_minor{state="captured",currency="PEN"} 1000');
      expect(metrics).toContain('holdfast_sweep_outcomes_total{outcome="approved"} 3');
      expect(metrics).toMatch(/holdfast_gateway_latency_seconds_count\{gateway="fake",operation="void",outcome="approved"\} 2/);
      expect(metrics).toContain('holdfast_amount_due_minor{within="24h",currency="USD"} 700');
      const healthy = await fetch(`${daemon.metricsUrl}/healthz`);
      expect(healthy.status).toBe(200);
      expect(await healthy.json()).toMatchObject({ status: 'ok' });
      h.clock.advance(16 * 60_000);
      expect((await fetch(`${daemon.metricsUrl}/healthz`)).status).toBe(503);
      await daemon.stop();
      await expect(fetch(`${daemon.metricsUrl}/healthz`)).rejects.toThrow();
    } finally {
      await h.close();
    }
  });

  it('refuses an invalid schedule before doing anything', async () => {
    const h = await openHarness();
    try {
      await expect(startDaemon(h.hf, { schedule: 'every five minutes' })).rejects.toBeInstanceOf(ConfigError);
    } finally {
      await h.close();
    }
  });

  it('refuses a schedule whose interval leaves the lead time no room for the first retries', async () => {
    const h = await openHarness();
    try {
      // Daily sweeps with the default 24 h lead time: a hold due just after a sweep would wait a day.
      const error = await startDaemon(h.hf, { schedule: '0 3 * * *' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/lead time 1d leaves no time to act: it must be at least 1d6m15s \(a sweep interval of 1d plus/);
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'PEN', subscriptionId: 'x' });
      h.clock.set(hold.actBy!);
      expect(h.fake.calls.void).toBe(0);
    } finally {
      await h.close();
    }
  });
});

describe('daemon shutdown on a real signal', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => sim.close());

  /** Runs the daemon child and sends `signals` (50 ms apart) once the simulator holds its capture. */
  function runDaemonSignalledAtCapture(database: string, seen: number, signals: NodeJS.Signals[]) {
    return runTs('test/fixtures/daemon-child.ts', { HOLDFAST_DB: database, SIM_URL: sim.url }, {
      onStart: (_kill, signal) => {
        const timer = setInterval(() => {
          if (sim.requests().slice(seen).some((r) => r.operation === 'capture')) {
            clearInterval(timer);
            signals.forEach((name, i) => setTimeout(() => signal(name), i * 50));
          }
        }, 5);
      },
    });
  }

  async function dueHold(database: string) {
    const hf = await openHoldfast({
      database,
      clock: new ManualClock(Date.now() - 27.5 * DAY_MS),
      logger: pino({ level: 'silent' }),
      gateways: [createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm' })],
    });
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: `sig-${Math.random().toString(36).slice(2)}`, amount: 4200, currency: 'PEN', onExpiry: 'capture' });
    return { hf, hold };
  }

  it('SIGTERM lets the capture in flight finish, commits it and releases the lease', async () => {
    const dir = tempDir();
    try {
      const database = join(dir.dir, 'd.db');
      const { hf, hold } = await dueHold(database);
      sim.faults.inject({ kind: 'slow-response', gateway: 'kushki', operation: 'capture', delayMs: 1_500 });
      const seen = sim.requests().length;
      const child = await runDaemonSignalledAtCapture(database, seen, ['SIGTERM']);
      expect(child.code, child.stderr).toBe(0);
      expect(child.stdout).toContain('exited cleanly');
      expect(child.stdout).toContain('"event":"shutdown"');
      const after = await hf.get(hold.id);
      expect(after.state).toBe('captured');
      expect(sim.ledger.authorization(hold.gatewayRef!)?.captures).toHaveLength(1);
      const row = await engineOf(hf).store.db.selectFrom('holds').select('lease_owner').where('id', '=', hold.id).executeTakeFirstOrThrow();
      expect(row.lease_owner).toBeNull();
      await hf.close();
    } finally {
      dir.cleanup();
    }
  });

  it('a second signal exits at once, leaving the call to be reconciled', async () => {
    const dir = tempDir();
    try {
      const database = join(dir.dir, 'd2.db');
      const { hf, hold } = await dueHold(database);
      sim.faults.inject({ kind: 'hang-before-commit', gateway: 'kushki', operation: 'capture' });
      const seen = sim.requests().length;
      const child = await runDaemonSignalledAtCapture(database, seen, ['SIGTERM', 'SIGINT']);
      expect(child.code).toBe(130);
      expect((await hf.get(hold.id)).state).toBe('capturing');
      await hf.close();
    } finally {
      dir.cleanup();
    }
  });
});
