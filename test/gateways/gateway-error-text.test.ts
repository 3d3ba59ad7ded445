// Issue 10, finding 2: a gateway's error text can echo a card number or the merchant credential.
// What an adapter hands back (the outcome's code, message and reason, which become the hold's
// lastError, the webhook payload and log fields) and what it logs are redacted; the Kushki ticket
// of a void stays readable in the path and in "no existe la transacción <ticket>".
// A stub gateway on loopback answers with exactly the text under test.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { createPayCertifyGateway } from '../../src/gateways/paycertify/index.js';
import { findLeaks, luhnValid } from '../../src/gateways/redact.js';
import type { Gateway } from '../../src/gateways/types.js';
import { TEST_TIMEOUTS } from './gateway-scenarios.js';

const PMID = 'kushki-private-merchant-5e1f';
const TOKEN = 'pc-live-token-91ab3c';
const PAN = '4111111111111111';
const TICKET = (() => {
  for (let d = 0; d <= 9; d++) if (luhnValid(`31922847888968031${d}`)) return `31922847888968031${d}`;
  throw new Error('unreachable');
})();

interface Stub {
  url: string;
  reply(status: number, body: unknown): void;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  let next: { status: number; body: string } = { status: 500, body: '' };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(next.status, { 'content-type': 'application/json' });
      res.end(next.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reply(status, body) {
      next = { status, body: JSON.stringify(body) };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// The ticket is Luhn-valid and kept on purpose: leak scans look at everything else.
const scan = (text: string, needles: string[] = []) => findLeaks(text.replaceAll(TICKET, '<ticket>'), needles);

function captureLog(): { logger: pino.Logger; text(): string } {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } });
  return { logger: pino({ level: 'debug' }, sink), text: () => lines.join('') };
}

describe('gateway error text is redacted before it leaves the adapter', () => {
  let stub: Stub;
  let kushki: Gateway;
  let paycertify: Gateway;
  const log = captureLog();
  beforeAll(async () => {
    stub = await startStub();
    kushki = createKushkiGateway({ baseUrl: stub.url, privateMerchantId: PMID, timeouts: TEST_TIMEOUTS, logger: log.logger });
    paycertify = createPayCertifyGateway({ baseUrl: stub.url, apiToken: TOKEN, timeouts: TEST_TIMEOUTS, logger: log.logger });
  });
  afterAll(async () => {
    await kushki.close?.();
    await paycertify.close?.();
    await stub.close();
  });

  it('Kushki void of a Luhn-valid ticket: the ticket stays in the path and in the message', async () => {
    stub.reply(400, { code: 'K001', message: `no existe la transacción ${TICKET}` });
    const out = await kushki.void({ idempotencyKey: 'void-k-1', gatewayRef: TICKET, amount: 1_000, currency: 'USD' });
    expect(out.kind).toBe('declined');
    if (out.kind !== 'declined') return;
    expect(out.message).toBe(`no existe la transacción ${TICKET}`);
    expect(out.exchange.message).toBe(`no existe la transacción ${TICKET}`);
    expect(out.exchange.request).toMatchObject({ path: `/v1/charges/${TICKET}` });
    expect(JSON.stringify(out.exchange.response)).toContain(TICKET);
  });

  it('Kushki: a message echoing the merchant id and a card number reaches neither the outcome nor the log', async () => {
    stub.reply(400, { code: 'K004', message: `Id de comercio ${PMID} no válido para la tarjeta ${PAN}` });
    const out = await kushki.capture({ idempotencyKey: 'cap-k-1', gatewayRef: TICKET, subscriptionId: 'sub1', amount: 1_000, currency: 'USD' });
    expect(out.kind).toBe('misconfigured');
    expect(scan(JSON.stringify(out), [PMID])).toEqual([]);
    if (out.kind === 'misconfigured') expect(out.message).toBe('Id de comercio [redacted] no válido para la tarjeta 411111…1111');
    stub.reply(503, { code: 'K002', message: `error con ${PMID}: 4111 1111 1111 1111` });
    const unknown = await kushki.authorize({ idempotencyKey: 'auth-k-1', subscriptionId: 'sub1', amount: 1_000, currency: 'USD' });
    expect(unknown.kind).toBe('unknown');
    expect(scan(JSON.stringify(unknown), [PMID])).toEqual([]);
    expect(scan(log.text(), [PMID])).toEqual([]);
  });

  it('Kushki: an error code that is a card number is masked in the outcome', async () => {
    stub.reply(400, { code: PAN, message: 'rechazada' });
    const out = await kushki.capture({ idempotencyKey: 'cap-k-2', gatewayRef: TICKET, subscriptionId: 'sub1', amount: 1_000, currency: 'USD' });
    expect(out.kind).toBe('declined');
    if (out.kind === 'declined') expect(out.code).toBe('411111…1111');
    expect(scan(JSON.stringify(out))).toEqual([]);
  });

  it('PayCertify: a validation message echoing the token and the card (also a Luhn-invalid one) is redacted', async () => {
    stub.reply(422, { error: { status: 422, message: { card_number: [`4111111111111112 is invalid (token ${TOKEN})`] } } });
    const card = { number: '4111111111111112', expMonth: '12', expYear: '2031', cvv: '123' };
    const out = await paycertify.authorize({ idempotencyKey: 'auth-p-1', amount: 1_000, currency: 'USD', card, metadata: { ipAddress: '10.0.0.1' } });
    expect(out.kind).toBe('declined');
    expect(scan(JSON.stringify(out), [TOKEN, '4111111111111112'])).toEqual([]);
    if (out.kind === 'declined') expect(out.message).toBe('card_number: 411111…1112 is invalid (token [redacted])');
    stub.reply(500, { error: { status: 500, message: `processor echoed ${PAN} for ${TOKEN}` } });
    const unknown = await paycertify.capture({ idempotencyKey: 'cap-p-1', gatewayRef: 'abc-1', amount: 500, currency: 'USD' });
    expect(unknown.kind).toBe('unknown');
    if (unknown.kind === 'unknown') expect(unknown.reason).toBe('HTTP 500: processor echoed 411111…1111 for [redacted]');
    expect(scan(log.text(), [TOKEN, '4111111111111112'])).toEqual([]);
  });
});
