// The nine findings of the review "never lose a hold", each reproduced against the real Kushki
// adapter over HTTP to the project's simulator (or the in-process fake where a misbehaving gateway is
// needed), on one injected clock shared by holdfast and the simulator. Each test failed before the fix.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { ManualClock } from '../../src/clock.js';
import { createExpiryPolicy, DAY_MS } from '../../src/policy/expiry-policy.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { tempDir, T0 } from '../helpers/harness.js';
import { typedError } from '../helpers/typed-error.js';
import type { CaptureOutcome, CaptureRequest } from '../../src/gateways/types.js';

const MERCHANT = 'merchant-secret-7f3a9c';
const PAN = '4111111111111111';

let sim: Simulator;
const clock = new ManualClock(T0);
const dir = tempDir();
let n = 0;
let hf: Holdfast;
let logLines: string[];

beforeAll(async () => {
  sim = await startSimulator({ clock, kushkiPrivateMerchantId: MERCHANT });
});
afterAll(async () => {
  await sim.close();
  dir.cleanup();
});

async function open(options: { leadTimeMs?: number } = {}): Promise<Holdfast> {
  logLines = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => { logLines.push(chunk.toString()); done(); } });
  return openHoldfast({
    database: join(dir.dir, `f-${++n}.db`),
    clock,
    logger: pino({ level: 'debug' }, sink),
    policy: createExpiryPolicy(options.leadTimeMs === undefined ? {} : { leadTimeMs: options.leadTimeMs }),
    gateways: [createKushkiGateway({ baseUrl: sim.url, privateMerchantId: MERCHANT, clock, timeouts: { connectMs: 500, responseMs: 1_000, requestMs: 1_500 } })],
    // Webhooks on, so the outbox's payloads are checked too.
    webhookUrl: 'https://hooks.example.test/holdfast',
    env: { HOLDFAST_WEBHOOK_SECRET: 'test-webhook-secret' },
  });
}

beforeEach(async () => {
  sim.reset();
  hf = await open();
});
afterEach(async () => {
  await sim.setDown(false);
  await hf.close();
});

const sub = (tag: string, cardType: 'credit' | 'debit' = 'credit') => {
  const id = `sub-${tag}-${n}`;
  sim.cards.registerSubscription(id, { cardType });
  return id;
};

function rows<T>(database: string, sql: string): T[] {
  const db = new BetterSqlite3(database, { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('1. a retry\'s answer is never taken as final', () => {
  it('an ambiguous capture that committed, then a 429 on the retry, ends captured — not voided, not expired', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: sub('f1'), amount: 6000, currency: 'PEN' });
    sim.faults.inject({ kind: 'reset-after-commit', operation: 'capture' }, { kind: 'rate-limited', operation: 'capture' });
    expect((await typedError(hf.capture(hold.id))).code).toBe('GATEWAY_UNKNOWN_OUTCOME');
    clock.advance(20_000);
    await hf.sweep();
    // The throttled retry says nothing about the first attempt: the hold stays in flight.
    expect((await hf.get(hold.id)).state).toBe('capturing');
    clock.advance(2 * 60_000);
    await hf.sweep();
    const after = await hf.get(hold.id);
    expect(after).toMatchObject({ state: 'captured', capturedAmount: 6000 });
    const summary = sim.ledger.summary(hold.gatewayRef!);
    expect(summary).toMatchObject({ captureCount: 1, voidCount: 0, capturedAmount: 6000 });
  });

  it('a key-reuse 4xx or a refused connection on a resumed capture keeps it in flight, then needs_attention at expiresAt', async () => {
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId: sub('f1b', 'debit'), amount: 3000, currency: 'PEN' });
    sim.faults.inject({ kind: 'hang-after-commit', operation: 'capture' }, { kind: 'key-reused', operation: 'capture' });
    expect((await typedError(hf.capture(hold.id))).code).toBe('GATEWAY_UNKNOWN_OUTCOME');
    clock.advance(20_000);
    await hf.sweep();
    expect((await hf.get(hold.id)).state).toBe('capturing');
    await sim.setDown(true);
    for (let i = 0; i < 40 && (await hf.get(hold.id)).state === 'capturing'; i++) {
      clock.advance(6 * 3_600_000);
      await hf.sweep();
    }
    const flagged = await hf.get(hold.id);
    expect(flagged.state).toBe('needs_attention');
    expect(flagged.lastError).toMatchObject({ code: 'UNRESOLVED_AT_EXPIRY', operation: 'capture' });
    expect(sim.ledger.summary(hold.gatewayRef!)).toMatchObject({ captureCount: 1, voidCount: 0 });
  });

  it('the sweeper re-sends an ambiguous authorization byte for byte (metadata included), so the gateway replays it', async () => {
    sim.faults.inject({ kind: 'reset-after-commit', operation: 'authorize' });
    const subscriptionId = sub('f1c');
    const error = await typedError(
      hf.authorize({ gateway: 'kushki', subscriptionId, amount: 2500, currency: 'PEN', orderId: 'order-1c', metadata: { email: 'ana@example.com', name: 'Ana' } }),
    );
    expect(error.code).toBe('GATEWAY_UNKNOWN_OUTCOME');
    clock.advance(20_000);
    await hf.sweep();
    const [hold] = (await hf.list()).holds;
    expect(hold).toMatchObject({ state: 'authorized', amount: 2500 });
    const authorizes = sim.requests().filter((r) => r.operation === 'authorize');
    expect(authorizes.map((r) => r.handling)).toEqual(['reset-after-commit', 'replayed']);
    expect(new Set(authorizes.map((r) => r.bodySha256)).size).toBe(1);
    expect(sim.ledger.authorizations()).toHaveLength(1);
  });
});

describe('2. gateway error text never carries a card number or a credential into storage, logs or webhooks', () => {
  it('masks the PAN and removes the merchant id from lastError, the exchange, the journal, the outbox and the logs', async () => {
    const subscriptionId = sub('f2');
    sim.cards.registerSubscription(subscriptionId, { declineCapture: { code: '017', message: `tarjeta ${PAN} rechazada para el comercio ${MERCHANT}` } });
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId, amount: 1200, currency: 'PEN' });
    expect((await typedError(hf.capture(hold.id))).code).toBe('GATEWAY_DECLINED');
    const stored = await hf.get(hold.id);
    expect(stored.lastError?.message).toContain('411111…1111');
    const database = join(dir.dir, `f-${n}.db`);
    const dump = JSON.stringify([
      rows(database, 'select * from holds'),
      rows(database, 'select * from gateway_exchanges'),
      rows(database, 'select * from hold_transitions'),
      rows(database, 'select * from webhook_outbox'),
    ]);
    expect(dump).toContain('hold.capture_declined');
    expect(dump).not.toContain(PAN);
    expect(dump).not.toContain(MERCHANT);
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(PAN);
    expect(logs).not.toContain(MERCHANT);
  });
});

describe('3. a replayed authorization keeps the issuer\'s window', () => {
  it('counts the window from the intent, not from a replay hours later', async () => {
    const subscriptionId = sub('f3', 'debit');
    sim.faults.inject({ kind: 'reset-after-commit', operation: 'authorize' });
    const intentAt = clock.now();
    await typedError(hf.authorize({ gateway: 'kushki', subscriptionId, amount: 900, currency: 'PEN', idempotencyKey: 'order-3-auth' }));
    clock.advance(5 * 3_600_000); // an outage
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId, amount: 900, currency: 'PEN', idempotencyKey: 'order-3-auth' });
    expect(hold.state).toBe('authorized');
    expect(hold.authorizedAt).toBeLessThanOrEqual(intentAt);
    expect(hold.expiresAt).toBeLessThanOrEqual(intentAt + 7 * DAY_MS);
    expect(hold.expiresAt).toBeLessThanOrEqual(sim.ledger.authorization(hold.gatewayRef!)!.expiresAt);
  });
});

describe('4. capture keys and answers are checked against the hold', () => {
  it('a caller key shared by two holds of one order captures each hold once, within its own amount', async () => {
    const fake = new FakeGateway({ now: () => clock.now() });
    const local = await openHoldfast({ database: join(dir.dir, `f4-${++n}.db`), clock, logger: pino({ level: 'silent' }), gateways: [fake] });
    try {
      const big = await local.authorize({ gateway: 'fake', subscriptionId: 's-big', amount: 6000, currency: 'PEN', orderId: 'order-4' });
      const small = await local.authorize({ gateway: 'fake', subscriptionId: 's-small', amount: 1000, currency: 'PEN', orderId: 'order-4' });
      await local.capture(big.id, { idempotencyKey: 'order-4-capture' });
      const second = await local.capture(small.id, { idempotencyKey: 'order-4-capture' });
      expect(second).toMatchObject({ state: 'captured', capturedAmount: 1000 });
      expect(fake.ledger.get(small.gatewayRef!)?.captures).toHaveLength(1);
      // The same key again on the same hold is the same capture.
      expect((await local.capture(small.id, { idempotencyKey: 'order-4-capture' })).capturedAmount).toBe(1000);
      expect(fake.effects().captures).toBe(2);
    } finally {
      await local.close();
    }
  });

  it('an approval for more than was asked, or for another authorization, is recorded and flagged, never applied', async () => {
    class LyingGateway extends FakeGateway {
      override async capture(req: CaptureRequest): Promise<CaptureOutcome> {
        const outcome = await super.capture(req);
        return outcome.kind === 'approved' ? { ...outcome, amount: req.amount + 500 } : outcome;
      }
    }
    const fake = new LyingGateway({ now: () => clock.now() });
    const local = await openHoldfast({ database: join(dir.dir, `f4b-${++n}.db`), clock, logger: pino({ level: 'silent' }), gateways: [fake] });
    try {
      const hold = await local.authorize({ gateway: 'fake', subscriptionId: 's', amount: 6000, currency: 'PEN' });
      const error = await typedError(local.capture(hold.id, { amount: 3000 }));
      expect(error.code).toBe('NEEDS_ATTENTION');
      const flagged = await local.get(hold.id);
      expect(flagged).toMatchObject({ state: 'needs_attention', capturedAmount: 0 });
      expect(flagged.lastError?.message).toMatch(/35\.00 PEN.*30\.00 PEN/);
      const { exchanges } = await local.history(hold.id);
      expect(exchanges.map((e) => `${e.operation}:${e.outcome}`)).toEqual(['authorize:approved', 'capture:approved']);
    } finally {
      await local.close();
    }
  });
});

describe('5. a gateway without a window is refused before anything is sent', () => {
  it('refuses at authorize, writes nothing and calls nothing', async () => {
    const acme = new FakeGateway({ name: 'acme', now: () => clock.now() });
    const database = join(dir.dir, `f5-${++n}.db`);
    const local = await openHoldfast({ database, clock, logger: pino({ level: 'silent' }), gateways: [acme] });
    try {
      const error = await typedError(local.authorize({ gateway: 'acme', subscriptionId: 's', amount: 100, currency: 'USD' }));
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain('acme');
      expect(acme.calls.authorize).toBe(0);
      expect(rows(database, 'select id from holds')).toEqual([]);
    } finally {
      await local.close();
    }
  });
});

describe('6. a lead time that leaves no time to act is refused', () => {
  it('refuses 0 and anything under a sweep interval plus the first retries, in the user\'s units', () => {
    for (const leadTimeMs of [0, 60_000, 11 * 60_000]) {
      expect(() => createExpiryPolicy({ leadTimeMs })).toThrow(/at least 11m15s/);
    }
    expect(() => createExpiryPolicy({ leadTimeMs: 0 })).toThrow(/lead time 0s/);
    expect(createExpiryPolicy({ leadTimeMs: 11 * 60_000 + 15_000 }).leadTimeMs).toBe(675_000);
    expect(() => createExpiryPolicy({ leadTimeMs: 36 * 3_600_000, sweepIntervalMs: 48 * 3_600_000 })).toThrow(/lead time 1d12h/);
  });
});

describe('7. an authorization that was never sent leaves its key reusable, and the key covers every field', () => {
  it('sends again under the same key once the gateway is back, with the same hold', async () => {
    const subscriptionId = sub('f7');
    await sim.setDown(true);
    const first = await typedError(hf.authorize({ gateway: 'kushki', subscriptionId, amount: 700, currency: 'PEN', idempotencyKey: 'order-7-auth' }));
    expect(first.code).toBe('GATEWAY_UNAVAILABLE');
    await sim.setDown(false);
    const hold = await hf.authorize({ gateway: 'kushki', subscriptionId, amount: 700, currency: 'PEN', idempotencyKey: 'order-7-auth' });
    expect(hold).toMatchObject({ state: 'authorized', amount: 700 });
    expect(hold.id).toBe(first.details.holdId);
    expect(sim.ledger.authorizations()).toHaveLength(1);
  });

  it('refuses the same key with other metadata or another card', async () => {
    const subscriptionId = sub('f7b');
    await hf.authorize({ gateway: 'kushki', subscriptionId, amount: 700, currency: 'PEN', idempotencyKey: 'order-7b', metadata: { email: 'a@example.com' } });
    const error = await typedError(hf.authorize({ gateway: 'kushki', subscriptionId, amount: 700, currency: 'PEN', idempotencyKey: 'order-7b', metadata: { email: 'b@example.com' } }));
    expect(error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('8. redaction both ways: references stay whole, card numbers do not', () => {
  it('keeps a Luhn-valid 18-digit ticket number whole on the void path and in the gateway\'s message', async () => {
    const ticket = '100000000000000008'; // 18 digits, Luhn-valid
    const hold = await hf.track({ gateway: 'kushki', gatewayRef: ticket, subscriptionId: sub('f8'), amount: 500, currency: 'PEN', authorizedAt: clock.now() });
    const error = await typedError(hf.void(hold.id));
    expect(error.code).toBe('GATEWAY_DECLINED');
    const { exchanges } = await hf.history(hold.id);
    expect(JSON.stringify(exchanges[0]?.request)).toContain(`/v1/charges/${ticket}`);
    expect(exchanges[0]?.message).toContain(ticket);
    expect((await hf.get(hold.id)).lastError?.message).toContain(ticket);
  });
});

describe('9. a hold its gateway could never act on is refused', () => {
  it('refuses a Kushki hold without a subscription id planned for capture, and writes nothing', async () => {
    const error = await typedError(hf.track({ gateway: 'kushki', gatewayRef: '123456', amount: 500, currency: 'PEN', authorizedAt: clock.now(), onExpiry: 'capture' }));
    expect(error.code).toBe('SUBSCRIPTION_REQUIRED');
    expect((await hf.list()).holds).toEqual([]);
    // A void plan is possible without one, but it cannot be switched to capture.
    const hold = await hf.track({ gateway: 'kushki', gatewayRef: '123457', amount: 500, currency: 'PEN', authorizedAt: clock.now() });
    expect((await typedError(hf.setOnExpiry(hold.id, 'capture'))).code).toBe('SUBSCRIPTION_REQUIRED');
  });
});
