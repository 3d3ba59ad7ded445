// The simulator as an independent oracle, over real HTTP: a permissive ledger that records every
// executed capture and void (so a double send is a double effect, not a refusal), expiry in the
// ledger on an injected clock, a request log with body digests, fault sequences, a gateway port that
// really refuses connections, and an Idempotency-Key mode a gateway might not honour.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { createPayCertifyGateway } from '../../src/gateways/paycertify/index.js';
import type { Gateway } from '../../src/gateways/types.js';
import { FaultPlan, type Simulator, type SimulatorOptions, simulatorClient, startSimulator } from '../../src/simulator/index.js';
import { TEST_TIMEOUTS } from '../gateways/gateway-scenarios.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const T0 = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;
const VISA = { number: '4012000098765439', expMonth: '12', expYear: '2031', cvv: '999' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A simulator on a shared ManualClock with a Kushki adapter on the same clock. */
function harness(options: SimulatorOptions = {}) {
  const h = { clock: new ManualClock(T0), sim: undefined as unknown as Simulator, gw: undefined as unknown as Gateway };
  beforeAll(async () => {
    h.sim = await startSimulator({ clock: h.clock, ...options });
    h.gw = createKushkiGateway({ baseUrl: h.sim.url, privateMerchantId: 'm', timeouts: TEST_TIMEOUTS, clock: h.clock });
  });
  afterAll(async () => {
    await h.gw.close?.();
    await h.sim.close();
  });
  beforeEach(() => {
    h.sim.reset();
    h.clock.set(T0);
  });
  return h;
}

async function authorize(gw: Gateway, subscriptionId: string, amount = 10_000, key = `auth-${subscriptionId}`) {
  const out = await gw.authorize({ idempotencyKey: key, amount, currency: 'USD', subscriptionId });
  if (out.kind !== 'approved') throw new Error(`authorization not approved: ${JSON.stringify(out)}`);
  return out;
}

/** A raw Kushki request, so a test controls the exact body bytes. */
async function kushkiRaw(sim: Simulator, method: 'POST' | 'DELETE', path: string, body: string | undefined, key?: string) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { 'private-merchant-id': 'm', 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

const captureBody = (ticketNumber: string, major: number) => JSON.stringify({ ticketNumber, amount: { subtotalIva: 0, subtotalIva0: major, iva: 0, ice: 0, currency: 'USD' } });

describe('permissive ledger: every executed capture and void takes effect', () => {
  const h = harness({ ledgerMode: 'permissive' });

  it('records a double capture (two keys) as two approved effects', async () => {
    const a = await authorize(h.gw, 'sub-perm-1');
    const c1 = await h.gw.capture({ idempotencyKey: 'cap-1', gatewayRef: a.gatewayRef, subscriptionId: 'sub-perm-1', amount: 10_000, currency: 'USD' });
    const c2 = await h.gw.capture({ idempotencyKey: 'cap-2', gatewayRef: a.gatewayRef, subscriptionId: 'sub-perm-1', amount: 10_000, currency: 'USD' });
    expect([c1.kind, c2.kind]).toEqual(['approved', 'approved']);
    expect(h.sim.ledger.captureCount(a.gatewayRef)).toBe(2);
    expect(h.sim.ledger.capturedAmount(a.gatewayRef)).toBe(20_000);
    expect(h.sim.ledger.summary(a.gatewayRef)).toMatchObject({ captureCount: 2, voidCount: 0, capturedAmount: 20_000, tookEffectAfterExpiry: false });
    const captures = h.sim.requests().filter((r) => r.operation === 'capture');
    expect(captures.map((r) => [r.handling, r.executed, r.status, r.authorizationRef, r.amount])).toEqual([
      ['executed', true, 201, a.gatewayRef, 10_000],
      ['executed', true, 201, a.gatewayRef, 10_000],
    ]);
    expect(captures.map((r) => r.effectSeq)).toEqual(h.sim.ledger.effects({ kind: 'capture' }).map((e) => e.seq));
  });

  it('records a void after a capture, a capture after a void and a capture above 110 %', async () => {
    const a = await authorize(h.gw, 'sub-perm-2');
    const cap = { gatewayRef: a.gatewayRef, subscriptionId: 'sub-perm-2', currency: 'USD' };
    expect((await h.gw.capture({ ...cap, idempotencyKey: 'c-1', amount: 4_000 })).kind).toBe('approved');
    expect((await h.gw.void({ ...cap, idempotencyKey: 'v-1', amount: 6_000 })).kind).toBe('approved');
    expect((await h.gw.capture({ ...cap, idempotencyKey: 'c-2', amount: 12_000 })).kind).toBe('approved');
    expect((await h.gw.void({ ...cap, idempotencyKey: 'v-2', amount: 10_000 })).kind).toBe('approved');
    expect(h.sim.ledger.effects({ ref: a.gatewayRef }).map((e) => [e.kind, e.amount])).toEqual([
      ['authorize', 10_000],
      ['capture', 4_000],
      ['void', 10_000],
      ['capture', 12_000],
      ['void', 10_000],
    ]);
    expect(h.sim.ledger.summary(a.gatewayRef)).toMatchObject({ captureCount: 2, voidCount: 2, capturedAmount: 16_000, status: 'voided' });
  });

  it('still applies issuer declines on authorization and on capture', async () => {
    expect((await h.gw.authorize({ idempotencyKey: 'd-1', amount: 100, currency: 'USD', subscriptionId: 'sub-decline-auth' })).kind).toBe('declined');
    const a = await authorize(h.gw, 'sub-decline-capture');
    const out = await h.gw.capture({ idempotencyKey: 'd-2', gatewayRef: a.gatewayRef, subscriptionId: 'sub-decline-capture', amount: 100, currency: 'USD' });
    expect(out.kind).toBe('declined');
    expect(h.sim.ledger.captureCount(a.gatewayRef)).toBe(0);
    expect(h.sim.requests().at(-1)).toMatchObject({ executed: true, effectSeq: null, status: 400 });
  });

  it('applies the same to PayCertify: second capture and void after capture take effect', async () => {
    const pc = createPayCertifyGateway({ baseUrl: h.sim.url, apiToken: 't', timeouts: TEST_TIMEOUTS, defaultIpAddress: '127.0.0.1', clock: h.clock });
    try {
      const a = await pc.authorize({ idempotencyKey: 'pa', amount: 500, currency: 'USD', card: VISA });
      if (a.kind !== 'approved') throw new Error('not approved');
      const ref = { gatewayRef: a.gatewayRef, currency: 'USD' };
      expect((await pc.capture({ ...ref, idempotencyKey: 'pc-1', amount: 500 })).kind).toBe('approved');
      expect((await pc.capture({ ...ref, idempotencyKey: 'pc-2', amount: 600 })).kind).toBe('approved');
      expect((await pc.void({ ...ref, idempotencyKey: 'pv-1', amount: 500 })).kind).toBe('approved');
      expect(h.sim.ledger.summary(a.gatewayRef)).toMatchObject({ gateway: 'paycertify', captureCount: 2, capturedAmount: 1_100, voidCount: 1 });
      expect(h.sim.requests().map((r) => [r.operation, r.authorizationRef, r.amount])).toEqual([
        ['authorize', null, 500],
        ['capture', a.gatewayRef, 500],
        ['capture', a.gatewayRef, 600],
        ['void', a.gatewayRef, null],
      ]);
      // The raw card number went over the wire in the auth body; nothing of it is kept.
      expect(JSON.stringify(h.sim.snapshot())).not.toContain(VISA.number);
    } finally {
      await pc.close?.();
    }
  });
});

describe('strict ledger (default): the OneClick rules still refuse', () => {
  const h = harness();

  it('refuses a second capture and a capture above 110 %, with no second effect', async () => {
    const a = await authorize(h.gw, 'sub-strict-1');
    const cap = { gatewayRef: a.gatewayRef, subscriptionId: 'sub-strict-1', currency: 'USD' };
    expect((await h.gw.capture({ ...cap, idempotencyKey: 'c-1', amount: 10_000 })).kind).toBe('approved');
    expect(await h.gw.capture({ ...cap, idempotencyKey: 'c-2', amount: 10_000 })).toMatchObject({ kind: 'declined', code: 'K001', message: expect.stringContaining('ya fue capturada') });
    expect((await h.gw.void({ ...cap, idempotencyKey: 'v-1', amount: 10_000 })).kind).toBe('declined');
    const b = await authorize(h.gw, 'sub-strict-2');
    expect(await h.gw.capture({ gatewayRef: b.gatewayRef, subscriptionId: 'sub-strict-2', currency: 'USD', idempotencyKey: 'c-3', amount: 11_001 })).toMatchObject({ kind: 'declined', code: 'K014' });
    expect(h.sim.ledger.captureCount(a.gatewayRef)).toBe(1);
    expect(h.sim.ledger.captureCount(b.gatewayRef)).toBe(0);
    // Refused requests are still in the log: they ran, and produced no effect.
    expect(h.sim.requests().filter((r) => r.operation !== 'authorize').map((r) => [r.executed, r.effectSeq === null, r.status])).toEqual([
      [true, false, 201],
      [true, true, 400],
      [true, true, 400],
      [true, true, 400],
    ]);
    expect(h.sim.snapshot().ledgerMode).toBe('strict');
  });
});

describe('expiry in the ledger, on the clock holdfast shares', () => {
  const h = harness({ ledgerMode: 'permissive' });

  it('records expiresAt per card type: Kushki debit 7 d, credit 28 d, unknown 7 d; PayCertify 7 d', async () => {
    const debit = await authorize(h.gw, 'sub-debit');
    const credit = await authorize(h.gw, 'sub-approved');
    const unknown = await authorize(h.gw, 'sub-unknown-type');
    const pc = createPayCertifyGateway({ baseUrl: h.sim.url, apiToken: 't', timeouts: TEST_TIMEOUTS, defaultIpAddress: '127.0.0.1' });
    try {
      const p = await pc.authorize({ idempotencyKey: 'pa', amount: 500, currency: 'USD', card: VISA });
      if (p.kind !== 'approved') throw new Error('not approved');
      expect(h.sim.ledger.authorization(p.gatewayRef)?.expiresAt).toBe(T0 + 7 * DAY);
    } finally {
      await pc.close?.();
    }
    expect(h.sim.ledger.authorization(debit.gatewayRef)?.expiresAt).toBe(T0 + 7 * DAY);
    expect(h.sim.ledger.authorization(credit.gatewayRef)?.expiresAt).toBe(T0 + 28 * DAY);
    expect(h.sim.ledger.authorization(unknown.gatewayRef)?.expiresAt).toBe(T0 + 7 * DAY);
  });

  it('flags requests and effects at or after expiresAt, per request', async () => {
    const a = await authorize(h.gw, 'sub-debit');
    const cap = { gatewayRef: a.gatewayRef, subscriptionId: 'sub-debit', currency: 'USD', amount: 100 };
    h.clock.set(T0 + 7 * DAY - 1);
    expect((await h.gw.capture({ ...cap, idempotencyKey: 'early' })).kind).toBe('approved');
    h.clock.set(T0 + 7 * DAY); // exactly at expiresAt counts as after
    expect((await h.gw.capture({ ...cap, idempotencyKey: 'late' })).kind).toBe('approved');
    expect((await h.gw.capture({ ...cap, idempotencyKey: 'late' })).kind).toBe('approved'); // replayed: a request, not an effect
    h.clock.advance(DAY);
    expect((await h.gw.void({ ...cap, idempotencyKey: 'late-void' })).kind).toBe('approved');

    const requests = h.sim.requests();
    expect(requests.map((r) => [r.operation, r.at, r.handling, r.afterExpiry])).toEqual([
      ['authorize', T0, 'executed', false],
      ['capture', T0 + 7 * DAY - 1, 'executed', false],
      ['capture', T0 + 7 * DAY, 'executed', true],
      ['capture', T0 + 7 * DAY, 'replayed', true],
      ['void', T0 + 8 * DAY, 'executed', true],
    ]);
    expect(requests.filter((r) => r.afterExpiry)).toHaveLength(3);
    expect(h.sim.ledger.effects({ ref: a.gatewayRef }).map((e) => [e.kind, e.afterExpiry])).toEqual([
      ['authorize', false],
      ['capture', false],
      ['capture', true],
      ['void', true],
    ]);
    expect(h.sim.ledger.summary(a.gatewayRef)).toMatchObject({ effectsAfterExpiry: 2, tookEffectAfterExpiry: true, captureCount: 2, voidCount: 1 });
  });

  it('takes configured windows', async () => {
    const sim = await startSimulator({ clock: h.clock, expiryWindows: { kushki: { credit: 3 * DAY } } });
    const gw = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'm', timeouts: TEST_TIMEOUTS });
    try {
      const a = await authorize(gw, 'sub-approved');
      const d = await authorize(gw, 'sub-debit');
      expect(sim.ledger.authorization(a.gatewayRef)?.expiresAt).toBe(T0 + 3 * DAY);
      expect(sim.ledger.authorization(d.gatewayRef)?.expiresAt).toBe(T0 + 7 * DAY);
    } finally {
      await gw.close?.();
      await sim.close();
    }
    await expect(startSimulator({ expiryWindows: { paycertify: { debit: 0 } } })).rejects.toThrow(/positive integer/);
  });
});

describe('request log: digests, not bodies', () => {
  const h = harness();

  it('gives identical resends equal digests and different bodies different ones', async () => {
    const a = await authorize(h.gw, 'sub-approved');
    const path = '/subscriptions/v1/card/sub-approved/capture';
    const body = captureBody(a.gatewayRef, 50);
    expect((await kushkiRaw(h.sim, 'POST', path, body, 'k')).status).toBe(201);
    expect((await kushkiRaw(h.sim, 'POST', path, body, 'k')).status).toBe(201);
    const reused = await kushkiRaw(h.sim, 'POST', path, captureBody(a.gatewayRef, 50.5), 'k');
    expect(reused).toMatchObject({ status: 422, json: { code: 'K001' } });
    const [, first, second, third] = h.sim.requests();
    expect(first).toMatchObject({ handling: 'executed', bodySha256: sha256(body), amount: 5_000, currency: 'USD', authorizationRef: a.gatewayRef });
    expect(second).toMatchObject({ handling: 'replayed', bodySha256: sha256(body), executed: false, effectSeq: null });
    expect(third).toMatchObject({ handling: 'key-reused', fault: null, executed: false, status: 422, amount: 5_050 });
    expect(third!.bodySha256).not.toBe(first!.bodySha256);
    // The void's target comes from the path, and an empty body has the empty digest.
    await kushkiRaw(h.sim, 'DELETE', `/v1/charges/${a.gatewayRef}`, undefined, 'v');
    expect(h.sim.requests().at(-1)).toMatchObject({ operation: 'void', authorizationRef: a.gatewayRef, amount: null, bodySha256: sha256('') });
    expect(h.sim.requests().map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps a ticket number sent as a bare JSON number digit-exact', async () => {
    await kushkiRaw(h.sim, 'POST', '/subscriptions/v1/card/sub-approved/capture', '{"ticketNumber":319228478889680009,"amount":{"subtotalIva0":1,"currency":"USD"}}', 'n');
    expect(h.sim.requests()[0]).toMatchObject({ authorizationRef: '319228478889680009', status: 400 });
  });
});

describe('fault sequences', () => {
  const h = harness();

  it('FaultPlan hands queued faults out in order, skipping those that do not match', () => {
    const plan = new FaultPlan();
    plan.inject({ kind: 'error-after-commit', operation: 'capture' }, { kind: 'rate-limited', operation: 'capture', times: 2 }, { kind: 'key-reused' });
    expect(plan.take('kushki', 'void')?.kind).toBe('key-reused');
    expect([1, 2, 3, 4].map(() => plan.take('kushki', 'capture')?.kind)).toEqual(['error-after-commit', 'rate-limited', 'rate-limited', undefined]);
    plan.inject({ kind: 'already-done' });
    expect(plan.take('kushki', 'authorize')).toBeUndefined();
    expect(plan.take('paycertify', 'void')?.kind).toBe('already-done');
    expect(() => plan.inject({ kind: 'already-done', operation: 'authorize' })).toThrow(/capture and void only/);
    expect(() => plan.inject({ kind: 'rate-limited' }, { kind: 'bogus' as never })).toThrow(/unknown fault kind/);
    expect(plan.list()).toEqual([]); // an invalid batch queues nothing
  });

  it('a seeded random plan starts sequences at its rate and sends each tail to the same authorization', () => {
    const draws = (seed: number) => {
      const plan = new FaultPlan();
      plan.random({ seed, rate: 0.3, sequences: [['error-after-commit', 'rate-limited'], ['reset-before-commit']], operations: ['capture'] });
      const out: string[] = [];
      for (let i = 0; i < 200; i++) {
        const ref = `T${i}`;
        const first = plan.take('kushki', 'capture', ref);
        if (first === undefined) continue;
        expect(plan.take('kushki', 'void', ref)).toBeUndefined(); // another operation: not drawn for
        const second = first.kind === 'error-after-commit' ? plan.take('kushki', 'capture', ref) : undefined;
        out.push(`${first.kind}${second ? `>${second.kind}` : ''}`);
      }
      expect(plan.list()).toEqual([]);
      return out;
    };
    const a = draws(11);
    expect(a).toEqual(draws(11));
    expect(a).not.toEqual(draws(12));
    expect(a.length).toBeGreaterThan(40);
    expect(a.length).toBeLessThan(80);
    expect(new Set(a)).toEqual(new Set(['error-after-commit>rate-limited', 'reset-before-commit']));
    const plan = new FaultPlan();
    plan.random({ seed: 1, rate: 1, sequences: [['error-after-commit', 'key-reused']] });
    expect(plan.take('kushki', 'capture', 'A')?.kind).toBe('error-after-commit');
    expect(plan.list()).toEqual([expect.objectContaining({ kind: 'key-reused', authorizationRef: 'A', operation: 'capture' })]);
    expect(plan.take('kushki', 'capture', 'B')?.kind).toBe('error-after-commit'); // B draws its own
    expect(plan.take('kushki', 'capture', 'A')?.kind).toBe('key-reused');
    expect(() => plan.random({ seed: 1, rate: 2, sequences: [['rate-limited']] })).toThrow(/rate/);
    plan.clear();
    expect(plan.take('kushki', 'capture', 'A')).toBeUndefined();
  });

  it('reset after commit → rate-limited → replay: one effect, three byte-identical requests', async () => {
    const a = await authorize(h.gw, 'sub-approved');
    h.sim.faults.inject({ kind: 'reset-after-commit', operation: 'capture' }, { kind: 'rate-limited', operation: 'capture' });
    const req = { idempotencyKey: 'seq-1', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 10_000, currency: 'USD' };
    const outcomes = [await h.gw.capture(req), await h.gw.capture(req), await h.gw.capture(req)];
    expect(outcomes.map((o) => o.kind)).toEqual(['unknown', 'unavailable', 'approved']);
    const captures = h.sim.requests().filter((r) => r.operation === 'capture');
    expect(captures.map((r) => [r.handling, r.fault, r.executed, r.status])).toEqual([
      ['reset-after-commit', 'reset-after-commit', true, null],
      ['rate-limited', 'rate-limited', false, 429],
      ['replayed', null, false, 201],
    ]);
    expect(new Set(captures.map((r) => r.bodySha256)).size).toBe(1);
    expect(h.sim.ledger.captureCount(a.gatewayRef)).toBe(1);
    expect(captures[0]!.effectSeq).toBe(h.sim.ledger.effects({ kind: 'capture' })[0]!.seq);
  });

  it('unknown → key-reused 4xx and unknown → already-done, answered without executing', async () => {
    const a = await authorize(h.gw, 'sub-approved');
    const req = { idempotencyKey: 'seq-2', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 10_000, currency: 'USD' };
    h.sim.faults.inject({ kind: 'error-after-commit', operation: 'capture' }, { kind: 'key-reused', operation: 'capture' }, { kind: 'already-done', operation: 'capture' });
    expect((await h.gw.capture(req)).kind).toBe('unknown');
    expect(await h.gw.capture(req)).toMatchObject({ kind: 'declined', code: 'K001', exchange: { httpStatus: 422 }, message: expect.stringContaining('Idempotency-Key') });
    expect(await h.gw.capture(req)).toMatchObject({ kind: 'declined', code: 'K001', exchange: { httpStatus: 400 }, message: expect.stringContaining('ya fue capturada') });
    h.sim.faults.inject({ kind: 'already-done', operation: 'void' });
    expect(await h.gw.void({ ...req, idempotencyKey: 'seq-3' })).toMatchObject({ kind: 'declined', code: 'K001', message: 'la transacción ya fue anulada' });
    expect(h.sim.requests().slice(1).map((r) => [r.handling, r.executed])).toEqual([
      ['error-after-commit', true],
      ['key-reused', false],
      ['already-done', false],
      ['already-done', false],
    ]);
    expect(h.sim.requests()[2]!.fault).toBe('key-reused');
    // Only the first capture executed; the void never did.
    expect(h.sim.ledger.summary(a.gatewayRef)).toMatchObject({ captureCount: 1, voidCount: 0, status: 'captured' });
  });

  it('an honest already-done (onlyIfTrue) answers only when the capture really happened', async () => {
    const a = await authorize(h.gw, 'sub-approved');
    const req = { idempotencyKey: 'honest', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 10_000, currency: 'USD' };
    h.sim.faults.inject({ kind: 'already-done', operation: 'capture', onlyIfTrue: true }, { kind: 'already-done', operation: 'capture', onlyIfTrue: true });
    expect((await h.gw.capture(req)).kind).toBe('approved'); // not captured yet: the fault is dropped
    expect(await h.gw.capture(req)).toMatchObject({ kind: 'declined', message: expect.stringContaining('ya fue capturada') });
    expect(h.sim.requests().slice(1).map((r) => [r.handling, r.fault])).toEqual([
      ['executed', null],
      ['already-done', 'already-done'],
    ]);
  });

  it('answers key-reused and already-done in PayCertify\'s own error shape', async () => {
    const pc = createPayCertifyGateway({ baseUrl: h.sim.url, apiToken: 't', timeouts: TEST_TIMEOUTS, defaultIpAddress: '127.0.0.1' });
    try {
      const a = await pc.authorize({ idempotencyKey: 'pa', amount: 500, currency: 'USD', card: VISA });
      if (a.kind !== 'approved') throw new Error('not approved');
      h.sim.faults.inject({ kind: 'key-reused', gateway: 'paycertify' }, { kind: 'already-done', gateway: 'paycertify' }, { kind: 'already-done', gateway: 'paycertify' });
      const req = { idempotencyKey: 'pc', gatewayRef: a.gatewayRef, amount: 500, currency: 'USD' };
      const outs = [await pc.capture(req), await pc.capture(req), await pc.void(req)];
      expect(outs.map((o) => [o.kind, o.exchange.httpStatus])).toEqual([
        ['declined', 422],
        ['declined', 422],
        ['declined', 422],
      ]);
      expect(outs.map((o) => (o.exchange.response as { body: unknown }).body)).toEqual([
        { error: { status: 422, message: 'Idempotency-Key reused with a different request' } },
        { error: { status: 422, message: 'Transaction has already been captured' } },
        { error: { status: 422, message: 'Transaction has already been voided' } },
      ]);
      expect(h.sim.ledger.effects({ ref: a.gatewayRef }).map((e) => e.kind)).toEqual(['authorize']);
    } finally {
      await pc.close?.();
    }
  });
});

describe('setDown: a real connection refusal on the same URL', () => {
  const h = harness();
  afterEach(() => h.sim.setDown(false));

  it('refuses connections (keep-alive ones too) so the Kushki adapter says unavailable, then serves again', async () => {
    const a = await authorize(h.gw, 'sub-approved'); // leaves a keep-alive socket in the adapter's pool
    const url = h.sim.url;
    await h.sim.setDown(true);
    expect(h.sim.isDown()).toBe(true);
    const req = { idempotencyKey: 'down-1', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 10_000, currency: 'USD' };
    const refused = await h.gw.capture(req);
    expect(refused).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('ECONNREFUSED') });
    expect(h.sim.requests().map((r) => r.operation)).toEqual(['authorize']); // it never arrived
    await h.sim.setDown(false);
    expect(h.sim.url).toBe(url);
    expect((await h.gw.capture(req)).kind).toBe('approved');
    expect(h.sim.ledger.captureCount(a.gatewayRef)).toBe(1);
  });

  it('drops a request still waiting for its latency when the port goes down: nothing executes', async () => {
    const a = await authorize(h.gw, 'sub-approved');
    h.sim.setLatency(10_000);
    try {
      const pending = h.gw.capture({ idempotencyKey: 'down-2', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 100, currency: 'USD' });
      while (h.sim.requests().length < 2) await new Promise((resolve) => setImmediate(resolve));
      await h.sim.setDown(true);
      expect((await pending).kind).toBe('unknown'); // the connection died after the request was sent
      expect(h.sim.requests()[1]).toMatchObject({ handling: 'dropped', executed: false, status: null });
      expect(h.sim.ledger.captureCount(a.gatewayRef)).toBe(0);
    } finally {
      h.sim.setLatency(0);
    }
  });

  it('is driven through the control routes, which stay reachable on the control listener', async () => {
    const client = simulatorClient(h.sim.url);
    await authorize(h.gw, 'sub-approved');
    await client.setDown(true);
    expect(await client.health()).toBe(false);
    expect(await client.requests()).toHaveLength(1);
    const snap = await client.snapshot();
    expect(snap).toMatchObject({ at: T0, ledgerMode: 'strict', idempotency: 'honoured', summaries: [expect.objectContaining({ expiresAt: T0 + 28 * DAY })] });
    expect(snap.requests).toHaveLength(1);
    await client.setDown(false);
    expect(await client.health()).toBe(true);
    expect(h.sim.isDown()).toBe(false);
  });

  it('goes down when asked on the gateway URL too, answering first (202) and naming the control URL', async () => {
    const res = await fetch(`${h.sim.url}/__sim/down`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ down: true, controlUrl: h.sim.controlUrl });
    while (!h.sim.isDown()) await new Promise((resolve) => setImmediate(resolve));
    const back = await fetch(`${h.sim.controlUrl}/__sim/up`, { method: 'POST' });
    expect(back.status).toBe(204);
    expect(await simulatorClient(h.sim.url).health()).toBe(true);
    expect((await fetch(`${h.sim.controlUrl}/subscriptions/v1/card/s/authorize`, { method: 'POST' })).status).toBe(404); // control listener: /__sim/ only
  });
});

describe('idempotency ignored: a resend executes again', () => {
  const permissive = harness({ idempotency: 'ignored', ledgerMode: 'permissive' });

  it('turns a resend under the same key into a second effect', async () => {
    const { gw, sim } = permissive;
    const a = await authorize(gw, 'sub-approved');
    const req = { idempotencyKey: 'same', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 10_000, currency: 'USD' };
    sim.faults.inject({ kind: 'error-after-commit', operation: 'capture' });
    expect((await gw.capture(req)).kind).toBe('unknown');
    expect((await gw.capture(req)).kind).toBe('approved');
    expect(sim.ledger.effects({ kind: 'capture' }).map((e) => e.idempotencyKey)).toEqual(['same', 'same']);
    expect(sim.requests().filter((r) => r.operation === 'capture').map((r) => [r.handling, r.executed])).toEqual([
      ['error-after-commit', true],
      ['executed', true],
    ]);
    // The same key on authorize creates a second authorization.
    await authorize(gw, 'sub-approved', 10_000, 'auth-sub-approved');
    expect(sim.ledger.authorizations()).toHaveLength(2);
    expect(sim.snapshot().idempotency).toBe('ignored');
  });
});

describe('from another process', () => {
  it('runs permissive and non-idempotent from the CLI; the parent reads the log and takes the port down and up', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/main.ts', '--port', '0', '--ledger-mode', 'permissive', '--idempotency', 'ignored'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const gwHolder: { gw?: Gateway } = {};
    try {
      const [url] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const client = simulatorClient(url);
      const gw = (gwHolder.gw = createKushkiGateway({ baseUrl: url, privateMerchantId: 'm', timeouts: TEST_TIMEOUTS }));
      const a = await authorize(gw, 'sub-approved');
      const req = { idempotencyKey: 'k', gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 100, currency: 'USD' };
      expect([(await gw.capture(req)).kind, (await gw.capture(req)).kind]).toEqual(['approved', 'approved']);
      await client.injectFault({ kind: 'rate-limited', operation: 'capture' }, { kind: 'already-done', operation: 'capture' });
      expect([(await gw.capture(req)).kind, (await gw.capture(req)).kind]).toEqual(['unavailable', 'declined']);
      await expect(client.injectFault({ kind: 'already-done', operation: 'authorize' })).rejects.toThrow(/400/);
      await client.randomFaults({ seed: 3, rate: 1, sequences: [['rate-limited']], operations: ['capture'] });
      expect((await gw.capture(req)).kind).toBe('unavailable');
      await client.randomFaults(null);
      await expect(client.randomFaults({ seed: 3, rate: 2, sequences: [['rate-limited']] })).rejects.toThrow(/400/);
      await client.setDown(true);
      expect(await client.health()).toBe(false);
      const snap = await client.snapshot();
      expect(snap).toMatchObject({ ledgerMode: 'permissive', idempotency: 'ignored', summaries: [expect.objectContaining({ ref: a.gatewayRef, captureCount: 2 })] });
      expect(snap.requests.map((r) => r.handling)).toEqual(['executed', 'executed', 'executed', 'rate-limited', 'already-done', 'rate-limited']);
      await client.setDown(false);
      expect(await client.health()).toBe(true);
      expect((await gw.capture(req)).kind).toBe('approved');
      expect((await client.ledger()).effects.filter((e) => e.kind === 'capture')).toHaveLength(3);
      const [code] = await Promise.all([once(child, 'exit').then(([c]) => c), Promise.resolve(child.kill('SIGTERM'))]);
      expect(code).toBe(0);
    } finally {
      await gwHolder.gw?.close?.();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 15_000);
});
