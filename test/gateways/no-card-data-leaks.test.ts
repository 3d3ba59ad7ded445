// After PayCertify runs (approvals, declines, faults, validation errors), no full card number, no
// CVV and no credential appears in any ExchangeRecord or in the captured log output. The database
// and -wal scan joins this once storage keeps exchange records (use findLeaks from redact.ts).
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayCertifyGateway } from '../../src/gateways/paycertify/index.js';
import { findLeaks } from '../../src/gateways/redact.js';
import type { CardInput, ExchangeRecord, Gateway } from '../../src/gateways/types.js';
import { type Simulator, startSimulator } from '../../src/simulator/index.js';
import { TEST_TIMEOUTS } from './gateway-scenarios.js';

const TOKEN = 'pc-live-token-7f3a9c1e5b';
// Luhn-valid (caught by the scan) and Luhn-INVALID (only caught by key/known-PAN masking) numbers.
const CARDS: CardInput[] = [
  { number: '4012000098765439', expMonth: '12', expYear: '2031', cvv: '8317', holderName: 'Ada Lovelace' },
  { number: '4111111111111112', expMonth: '01', expYear: '2032', cvv: '4729' },
  { number: '4349003000047015', expMonth: '02', expYear: '2033', cvv: '6052' },
];

describe('paycertify: no card data or credential in exchange records or logs', () => {
  let sim: Simulator;
  let gw: Gateway;
  const logLines: string[] = [];
  const records: ExchangeRecord[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ paycertifyApiToken: TOKEN });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    gw = createPayCertifyGateway({ baseUrl: sim.url, apiToken: TOKEN, timeouts: TEST_TIMEOUTS, logger, defaultIpAddress: '10.0.0.1' });

    let n = 0;
    for (const card of CARDS) {
      const auth = await gw.authorize({ idempotencyKey: `leak-${++n}`, amount: 1_000, currency: 'USD', card, orderId: `order-${n}` });
      records.push(auth.exchange);
      if (auth.kind !== 'approved') continue;
      sim.faults.inject({ kind: 'malformed-json', operation: 'capture' });
      const capKey = `leak-cap-${n}`;
      records.push((await gw.capture({ idempotencyKey: capKey, gatewayRef: auth.gatewayRef, amount: 500, currency: 'USD' })).exchange);
      records.push((await gw.capture({ idempotencyKey: capKey, gatewayRef: auth.gatewayRef, amount: 500, currency: 'USD' })).exchange);
      records.push((await gw.void({ idempotencyKey: `leak-void-${n}`, gatewayRef: auth.gatewayRef, amount: 500, currency: 'USD' })).exchange);
    }
    sim.faults.inject({ kind: 'error-after-commit', operation: 'authorize' }, { kind: 'hang-before-commit', operation: 'authorize' });
    for (const card of CARDS.slice(0, 2)) records.push((await gw.authorize({ idempotencyKey: `leak-f-${++n}`, amount: 1_000, currency: 'USD', card })).exchange);
    const wrong = createPayCertifyGateway({ baseUrl: sim.url, apiToken: `${TOKEN}-wrong`, timeouts: TEST_TIMEOUTS, logger });
    records.push((await wrong.authorize({ idempotencyKey: `leak-w-${++n}`, amount: 1_000, currency: 'USD', card: CARDS[0]! })).exchange);
    await wrong.close?.();
  });
  afterAll(async () => {
    await gw.close?.();
    await sim.close();
  });

  const needles = [...CARDS.flatMap((c) => [c.number]), TOKEN];
  const cvvs = CARDS.map((c) => c.cvv);

  it('ran the flows it claims to cover', () => {
    expect(records.length).toBeGreaterThanOrEqual(12);
    expect(new Set(records.map((r) => r.operation))).toEqual(new Set(['authorize', 'capture', 'void']));
    expect(logLines.length).toBe(records.length);
  });

  for (const [what, text] of [
    ['exchange records', () => JSON.stringify(records)],
    ['log output', () => logLines.join('')],
  ] as const) {
    it(`${what}: no card number, no CVV, no token`, () => {
      const haystack = text();
      expect(findLeaks(haystack, needles)).toEqual([]);
      for (const cvv of cvvs) expect(haystack).not.toMatch(new RegExp(`(?<!\\d)${cvv}(?!\\d)`));
      expect(haystack).not.toMatch(/cvv|Bearer|authorization/i);
      // The masks are there instead: proof the records are not simply empty.
      expect(haystack).toContain('401200…5439');
      expect(haystack).toContain('411111…1112');
    });
  }
});
