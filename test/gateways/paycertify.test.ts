// PayCertify adapter: the shared scenario suite plus what only PayCertify has (raw card data, event
// lists, { error } bodies, bearer tokens).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { createPayCertifyGateway } from '../../src/gateways/paycertify/index.js';
import type { AuthorizeRequest, CardInput, Gateway } from '../../src/gateways/types.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { gatewayScenarios, TEST_TIMEOUTS } from './gateway-scenarios.js';

/** PayCertify's sandbox Visa (fixture paycertify-api.json) with a future expiry. */
export const VISA: CardInput = { number: '4012000098765439', expMonth: '12', expYear: '2031', cvv: '999', holderName: 'Ada Lovelace' };
const PARTIAL = '5499740000000057';

const CARDS = {
  approved: VISA.number,
  'declined-on-authorization': '4349003000047015',
  'declined-on-capture': '4547004841271012',
  'partial-approval': PARTIAL,
} as const;

gatewayScenarios({
  name: 'paycertify',
  currency: 'USD',
  setup: (sim) => sim.cards.registerCard(PARTIAL, { approveBps: 5000 }),
  gateway: (baseUrl, timeouts) => createPayCertifyGateway({ baseUrl, apiToken: 'pc-token-0001', timeouts, defaultIpAddress: '127.0.0.1' }),
  authorizeRequest: (scenario, idempotencyKey, amount) => ({ idempotencyKey, amount, currency: 'USD', card: { ...VISA, number: CARDS[scenario] } }),
  captureRequest: (auth, _req, idempotencyKey, amount) => ({ idempotencyKey, gatewayRef: auth.gatewayRef, amount, currency: 'USD' }),
  voidRequest: (auth, _req, idempotencyKey) => ({ idempotencyKey, gatewayRef: auth.gatewayRef, amount: auth.amount, currency: 'USD' }),
});

describe('paycertify: wire details', () => {
  let sim: Simulator;
  let gw: Gateway;
  let n = 0;
  const auth = (extra: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({ idempotencyKey: `p-${++n}`, amount: 356, currency: 'USD', card: VISA, ...extra });

  beforeAll(async () => {
    sim = await startSimulator({ paycertifyApiToken: 'pc-token-good' });
    gw = createPayCertifyGateway({ baseUrl: sim.url, apiToken: 'pc-token-good', timeouts: TEST_TIMEOUTS, processorId: 'proc-1' });
  });
  afterAll(async () => {
    await gw.close?.();
    await sim.close();
  });
  beforeEach(() => sim.reset());

  it('sends a decimal amount, the card fields and merchant_transaction_id; records them masked', async () => {
    const out = await gw.authorize(auth({ orderId: 'order-0001', metadata: { ipAddress: '192.168.108.105' } }));
    expect(out).toMatchObject({ kind: 'approved', amount: 356, cardType: 'unknown', maskedCard: '401200…5439' });
    expect(out.exchange.request).toEqual({
      method: 'POST',
      path: '/api/transactions/auth',
      headers: { 'content-type': 'application/json', 'idempotency-key': expect.any(String) },
      body: {
        amount: '3.56',
        currency: 'USD',
        card_number: '401200…5439',
        card_expiry_month: '12',
        card_expiry_year: '2031',
        merchant_transaction_id: 'order-0001',
        processor_id: 'proc-1',
        first_name: 'Ada',
        last_name: 'Lovelace',
        ip_address: '192.168.108.105',
      },
    });
  });

  it('two-digit expiry years are sent with four digits; the event time becomes authorizedAt', async () => {
    const out = await gw.authorize(auth({ card: { ...VISA, expYear: '31', expMonth: '3' } }));
    expect(out.exchange.request).toMatchObject({ body: { card_expiry_year: '2031', card_expiry_month: '03' } });
    if (out.kind !== 'approved') throw new Error(out.kind);
    expect(out.authorizedAt).not.toBeNull();
  });

  it('a decline is a 200 with an unsuccessful auth event: declined with the processor code', async () => {
    const out = await gw.authorize(auth({ card: { ...VISA, number: '4349003000047015' } }));
    expect(out).toMatchObject({ kind: 'declined', code: '05' });
  });

  it('a wrong API token is misconfigured and the token is in no record', async () => {
    const bad = createPayCertifyGateway({ baseUrl: sim.url, apiToken: 'pc-token-WRONG', timeouts: TEST_TIMEOUTS });
    try {
      const out = await bad.authorize(auth());
      expect(out).toMatchObject({ kind: 'misconfigured', code: '401' });
      expect(JSON.stringify(out)).not.toContain('pc-token-WRONG');
    } finally {
      await bad.close?.();
    }
  });

  it('validation errors come back as declined with the field named', async () => {
    const a = await gw.authorize(auth());
    if (a.kind !== 'approved') throw new Error(a.kind);
    const over = await gw.capture({ idempotencyKey: `c-${++n}`, gatewayRef: a.gatewayRef, amount: 357, currency: 'USD' });
    expect(over).toMatchObject({ kind: 'declined', code: '422', message: expect.stringContaining('amount:') });
  });

  it('capture refers to the capture event; the transaction id stays the hold reference', async () => {
    const a = await gw.authorize(auth());
    if (a.kind !== 'approved') throw new Error(a.kind);
    const c = await gw.capture({ idempotencyKey: `c-${++n}`, gatewayRef: a.gatewayRef, amount: 200, currency: 'USD' });
    expect(c).toMatchObject({ kind: 'approved', amount: 200 });
    if (c.kind === 'approved') expect(sim.ledger.effects({ kind: 'capture' })[0]).toMatchObject({ authorizationRef: a.gatewayRef, effectRef: c.captureRef });
  });

  it('card data is checked before anything is sent, and the errors never echo it', async () => {
    await expect(gw.authorize(auth({ card: undefined }))).rejects.toBeInstanceOf(ValidationError);
    const badCvv = gw.authorize(auth({ card: { ...VISA, cvv: '12' } }));
    await expect(badCvv).rejects.toThrow(/CVV/);
    await expect(badCvv).rejects.not.toThrow(/12/);
    await expect(gw.authorize(auth({ card: { ...VISA, number: '4012 0000 9876 543X' } }))).rejects.not.toThrow(/4012/);
    expect(sim.requests()).toEqual([]);
  });
});
