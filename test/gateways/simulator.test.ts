// The simulator itself: control surface from another process, CLI entry, injected clock, latency,
// idempotency-key misuse.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { type Simulator, simulatorClient, startSimulator } from '../../src/simulator/index.js';
import { TEST_TIMEOUTS } from './gateway-scenarios.js';
import { bundledChild } from '../helpers/bundled-child.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('simulator', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ clock });
  });
  afterAll(() => sim.close());

  it('is driven over HTTP: register a subscription, inject a fault, read the ledger', async () => {
    const client = simulatorClient(sim.url);
    const gw = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm', timeouts: TEST_TIMEOUTS, clock });
    try {
      await client.reset();
      await client.registerSubscription('remote-sub', { cardType: 'debit', approveUpTo: 2_500 });
      const a = await gw.authorize({ idempotencyKey: 'r-1', amount: 6_000, currency: 'PEN', subscriptionId: 'remote-sub' });
      expect(a).toMatchObject({ kind: 'approved', cardType: 'debit', amount: 2_500 });
      if (a.kind !== 'approved') return;
      await client.injectFault({ kind: 'error-after-commit', gateway: 'kushki', operation: 'capture' });
      expect(await client.requests()).toHaveLength(1);
      clock.advance(60_000);
      expect((await gw.capture({ idempotencyKey: 'r-2', gatewayRef: a.gatewayRef, subscriptionId: 'remote-sub', amount: 2_500, currency: 'PEN' })).kind).toBe('unknown');
      const ledger = await client.ledger();
      expect(ledger.authorizations).toEqual([expect.objectContaining({ ref: a.gatewayRef, status: 'captured', authorizedAt: Date.UTC(2026, 0, 5) })]);
      expect(ledger.effects.filter((e) => e.kind === 'capture')).toEqual([
        expect.objectContaining({ authorizationRef: a.gatewayRef, amount: 2_500, at: Date.UTC(2026, 0, 5) + 60_000, idempotencyKey: 'r-2' }),
      ]);
      await expect(client.injectFault({ kind: 'nonsense' as never })).rejects.toThrow(/400/);
    } finally {
      await gw.close?.();
    }
  });

  it('refuses an Idempotency-Key reused for a different request body, and executes nothing', async () => {
    sim.reset();
    const gw = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm', timeouts: TEST_TIMEOUTS });
    try {
      expect((await gw.authorize({ idempotencyKey: 'same', amount: 100, currency: 'PEN', subscriptionId: 'sub-approved' })).kind).toBe('approved');
      expect((await gw.authorize({ idempotencyKey: 'same', amount: 200, currency: 'PEN', subscriptionId: 'sub-approved' })).kind).toBe('declined');
      expect(sim.ledger.effects()).toHaveLength(1);
    } finally {
      await gw.close?.();
    }
  });

  it('adds the configured latency', async () => {
    sim.reset();
    sim.setLatency(120);
    const gw = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm', timeouts: TEST_TIMEOUTS });
    try {
      const out = await gw.authorize({ idempotencyKey: 'lat', amount: 100, currency: 'PEN', subscriptionId: 'sub-approved' });
      expect(out.exchange.latencyMs).toBeGreaterThanOrEqual(110);
    } finally {
      sim.setLatency(0);
      await gw.close?.();
    }
  });

  it('runs as a separate process from src/simulator/main.ts and prints its URL first', async () => {
    const child = spawn(process.execPath, [await bundledChild('src/simulator/main.ts'), '--port', '0', '--latency', '1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [url] = (await once(lines, 'line')) as [string];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await simulatorClient(url).health()).toBe(true);
      const [code] = await Promise.all([once(child, 'exit').then(([c]) => c), Promise.resolve(child.kill('SIGTERM'))]);
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 15_000);
});
