// Kushki OneClick adapter: the shared scenario suite plus what only Kushki has (ticket numbers above
// 2^53, `created` in seconds or milliseconds, 204 voids, tax breakdowns, K004, K012).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ValidationError } from '../../src/errors.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import type { AuthorizeRequest, Gateway } from '../../src/gateways/types.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { gatewayScenarios, TEST_TIMEOUTS } from './gateway-scenarios.js';

const SUBSCRIPTION = {
  approved: 'sub-approved',
  'declined-on-authorization': 'sub-decline-auth',
  'declined-on-capture': 'sub-decline-capture',
  'partial-approval': 'sub-partial',
} as const;

gatewayScenarios({
  name: 'kushki',
  currency: 'PEN',
  setup: () => {},
  gateway: (baseUrl, timeouts) => createKushkiGateway({ baseUrl, privateMerchantId: 'kushki-private-merchant-0001', timeouts }),
  authorizeRequest: (scenario, idempotencyKey, amount) => ({ idempotencyKey, amount, currency: 'PEN', subscriptionId: SUBSCRIPTION[scenario] }),
  captureRequest: (auth, authReq, idempotencyKey, amount) => ({ idempotencyKey, gatewayRef: auth.gatewayRef, subscriptionId: authReq.subscriptionId, amount, currency: 'PEN' }),
  voidRequest: (auth, authReq, idempotencyKey) => ({ idempotencyKey, gatewayRef: auth.gatewayRef, subscriptionId: authReq.subscriptionId, amount: auth.amount, currency: 'PEN' }),
});

describe('kushki: wire details', () => {
  const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
  const clock = new ManualClock(T0);
  let sim: Simulator;
  let gw: Gateway;
  let n = 0;
  const auth = (extra: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({ idempotencyKey: `k-${++n}`, amount: 6_000, currency: 'PEN', subscriptionId: 'sub-approved', ...extra });

  beforeAll(async () => {
    sim = await startSimulator({ clock, kushkiPrivateMerchantId: 'pmid-good-0001' });
    gw = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'pmid-good-0001', timeouts: TEST_TIMEOUTS, clock });
  });
  afterAll(async () => {
    await gw.close?.();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('sends major units in subtotalIva0, fullResponse v2, and keeps the 18-digit ticketNumber a string', async () => {
    const out = await gw.authorize(auth());
    expect(out.kind).toBe('approved');
    if (out.kind !== 'approved') return;
    expect(out.gatewayRef).toMatch(/^\d{18}$/);
    expect(BigInt(out.gatewayRef) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(sim.ledger.authorization(out.gatewayRef)).toBeDefined();
    expect(out.exchange.request).toMatchObject({
      method: 'POST',
      path: '/subscriptions/v1/card/sub-approved/authorize',
      body: { amount: { subtotalIva: 0, subtotalIva0: 60, iva: 0, ice: 0, currency: 'PEN' }, fullResponse: 'v2' },
    });
    expect(out.authorizedAt).toBe(T0);
    expect(out.cardType).toBe('credit');
  });

  it('a ticketNumber sent as a bare JSON number above 2^53 is recovered digit for digit', async () => {
    sim.faults.inject({ kind: 'numeric-ticket', operation: 'authorize' });
    const out = await gw.authorize(auth());
    expect(out.kind).toBe('approved');
    if (out.kind !== 'approved') return;
    const ref = sim.ledger.authorizations()[0]?.ref;
    expect(out.gatewayRef).toBe(ref);
    expect(String(Number(ref))).not.toBe(ref); // JSON.parse would have rounded it
  });

  it('capture keeps both tickets: the authorization as gatewayRef, the capture ticket as captureRef', async () => {
    const a = await gw.authorize(auth());
    if (a.kind !== 'approved') throw new Error(a.kind);
    const c = await gw.capture({ idempotencyKey: `c-${++n}`, gatewayRef: a.gatewayRef, subscriptionId: 'sub-approved', amount: 6_000, currency: 'PEN' });
    expect(c.kind).toBe('approved');
    if (c.kind !== 'approved') return;
    expect(c.captureRef).toMatch(/^\d{18}$/);
    expect(c.captureRef).not.toBe(a.gatewayRef);
    expect(sim.ledger.effects({ kind: 'capture' })[0]).toMatchObject({ authorizationRef: a.gatewayRef, effectRef: c.captureRef });
  });

  it('capture goes to the subscription of the authorization; another subscription is refused with K012', async () => {
    const a = await gw.authorize(auth());
    if (a.kind !== 'approved') throw new Error(a.kind);
    const c = await gw.capture({ idempotencyKey: `c-${++n}`, gatewayRef: a.gatewayRef, subscriptionId: 'sub-debit', amount: 6_000, currency: 'PEN' });
    expect(c).toMatchObject({ kind: 'declined', code: 'K012' });
  });

  it('card types per subscription: debit, unknown, and registered ones', async () => {
    expect(await gw.authorize(auth({ subscriptionId: 'sub-debit' }))).toMatchObject({ kind: 'approved', cardType: 'debit' });
    expect(await gw.authorize(auth({ subscriptionId: 'sub-unknown-type' }))).toMatchObject({ kind: 'approved', cardType: 'unknown' });
    sim.cards.registerSubscription('cust-42', { pan: '4547004841271012', cardType: 'debit' });
    expect(await gw.authorize(auth({ subscriptionId: 'cust-42' }))).toMatchObject({ kind: 'approved', cardType: 'debit', maskedCard: '454700…1012' });
    expect(await gw.authorize(auth({ subscriptionId: 'any-debit-customer' }))).toMatchObject({ kind: 'approved', cardType: 'debit' });
  });

  it('a wrong Private-Merchant-Id is misconfigured (K004), and the credential is in no exchange record', async () => {
    const bad = createKushkiGateway({ baseUrl: sim.url, privateMerchantId: 'pmid-WRONG-9999', timeouts: TEST_TIMEOUTS });
    try {
      const out = await bad.authorize(auth());
      expect(out).toMatchObject({ kind: 'misconfigured', code: 'K004' });
      expect(JSON.stringify(out)).not.toContain('pmid-WRONG-9999');
    } finally {
      await bad.close?.();
    }
  });

  it('a 204 void without a body is success', async () => {
    const sim204 = await startSimulator({ kushkiVoidNoContent: true });
    const g = createKushkiGateway({ baseUrl: sim204.url, privateMerchantId: 'x-merchant', timeouts: TEST_TIMEOUTS });
    try {
      const a = await g.authorize(auth());
      if (a.kind !== 'approved') throw new Error(a.kind);
      const v = await g.void({ idempotencyKey: `v-${++n}`, gatewayRef: a.gatewayRef, amount: a.amount, currency: 'PEN' });
      expect(v).toMatchObject({ kind: 'approved', exchange: { httpStatus: 204 } });
      expect(sim204.ledger.voidCount(a.gatewayRef)).toBe(1);
    } finally {
      await g.close?.();
      await sim204.close();
    }
  });

  it('details.created in seconds is read as seconds', async () => {
    const simS = await startSimulator({ clock, kushkiCreatedUnit: 's' });
    const g = createKushkiGateway({ baseUrl: simS.url, privateMerchantId: 'x-merchant', timeouts: TEST_TIMEOUTS, clock });
    try {
      expect(await g.authorize(auth())).toMatchObject({ kind: 'approved', authorizedAt: T0 });
    } finally {
      await g.close?.();
      await simS.close();
    }
  });

  it('an unregistered subscription in strict mode is declined with K012', async () => {
    const strict = await startSimulator({ strictSubscriptions: true });
    const g = createKushkiGateway({ baseUrl: strict.url, privateMerchantId: 'x-merchant', timeouts: TEST_TIMEOUTS });
    try {
      expect(await g.authorize(auth({ subscriptionId: 'nobody' }))).toMatchObject({ kind: 'declined', code: 'K012' });
    } finally {
      await g.close?.();
      await strict.close();
    }
  });

  it('a tax breakdown is sent as given when its parts add up exactly, refused before sending otherwise', async () => {
    const ok = await gw.authorize(auth({ amount: 11_800, metadata: { taxes: { subtotalIva: 10_000, subtotalIva0: 0, iva: 1_800, ice: 0 } } }));
    expect(ok).toMatchObject({ kind: 'approved', amount: 11_800 });
    expect(ok.exchange.request).toMatchObject({ body: { amount: { subtotalIva: 100, subtotalIva0: 0, iva: 18, ice: 0 } } });
    await expect(gw.authorize(auth({ amount: 11_800, metadata: { taxes: { subtotalIva: 10_000, subtotalIva0: 0, iva: 1_700, ice: 0 } } }))).rejects.toBeInstanceOf(ValidationError);
    expect(sim.requests()).toHaveLength(1);
  });

  it('externalSubscriptionID (seed 002) is validated: at most 20 letters and digits', async () => {
    const ok = await gw.authorize(auth({ metadata: { externalSubscriptionID: 'SUB1228930920' } }));
    expect(ok.exchange.request).toMatchObject({ body: { externalSubscriptionID: 'SUB1228930920' } });
    await expect(gw.authorize(auth({ metadata: { externalSubscriptionID: 'SUB-1228930920' } }))).rejects.toThrow(/externalSubscriptionID/);
    await expect(gw.authorize(auth({ metadata: { externalSubscriptionID: 'A'.repeat(21) } }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('zero-exponent currencies go out as whole units (CLP)', async () => {
    const out = await gw.authorize(auth({ amount: 1_500, currency: 'CLP' }));
    expect(out).toMatchObject({ kind: 'approved', amount: 1_500 });
    expect(out.exchange.request).toMatchObject({ body: { amount: { subtotalIva0: 1_500, currency: 'CLP' } } });
  });

  it('a missing subscriptionId is refused before anything is sent', async () => {
    await expect(gw.authorize({ idempotencyKey: 'k-x', amount: 100, currency: 'PEN' })).rejects.toBeInstanceOf(ValidationError);
    await expect(gw.authorize(auth({ idempotencyKey: 'has space' }))).rejects.toBeInstanceOf(ValidationError);
    expect(sim.requests()).toEqual([]);
  });
});
