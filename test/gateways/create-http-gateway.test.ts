// createHttpGateway over a made-up wire format (acme-definition.ts) and a stub on loopback: the
// wiring every definition gets — credential and Idempotency-Key headers, redaction of the settings'
// secrets and the card sent, one redacted log line per exchange, transport outcomes, nothing sent
// when a builder refuses.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { createHttpGateway } from '../../src/gateways/create-http-gateway.js';
import { findLeaks } from '../../src/gateways/redact.js';
import type { Gateway } from '../../src/gateways/types.js';
import { ACME_DEFINITION } from './acme-definition.js';
import { TEST_TIMEOUTS } from './gateway-scenarios.js';

const KEY = 'acme-live-key-3c9e1f';
const CARD = { number: '4111111111111112', expMonth: '12', expYear: '2031', cvv: '737' }; // Luhn-invalid on purpose

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

describe('createHttpGateway (Acme definition)', () => {
  let server: Server;
  let url: string;
  let received: Received[] = [];
  let reply: { status: number; body: unknown } = { status: 500, body: {} };
  const lines: string[] = [];
  let gw: Gateway;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text === '' ? null : JSON.parse(text) });
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const logger = pino({ level: 'debug' }, new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } }));
    gw = createHttpGateway(ACME_DEFINITION, { settings: { baseUrl: url, apiKey: KEY, accountId: 'acct-1' }, timeouts: TEST_TIMEOUTS, logger });
  });
  afterAll(async () => {
    await gw.close?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received = [];
    lines.length = 0;
  });

  it('exposes the definition: name, capabilities, and the secret settings', () => {
    expect(gw.name).toBe('acme');
    expect(gw.capabilities).toBe(ACME_DEFINITION.capabilities);
    expect(gw.secrets).toEqual([KEY]);
  });

  it('authorize: sends the credential header, the Idempotency-Key and JSON; hands back a redacted approval and logs one debug line', async () => {
    reply = { status: 201, body: { id: 'h_1', status: 'approved', amount: 1_000 } };
    const out = await gw.authorize({ idempotencyKey: 'acme-auth-1', amount: 1_000, currency: 'USD', card: CARD, orderId: 'order-9' });
    expect(out).toMatchObject({ kind: 'approved', gatewayRef: 'h_1', amount: 1_000, maskedCard: '411111…1112' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', path: '/v1/holds', body: { account: 'acct-1', amount: 1_000, card: { number: CARD.number } } });
    expect(received[0]?.headers).toMatchObject({ 'x-api-key': KEY, 'idempotency-key': 'acme-auth-1', 'content-type': 'application/json' });
    // The call's declared reference, then the one learnt from the approval.
    expect(out.exchange.references).toEqual(['order-9', 'h_1']);
    for (const text of [JSON.stringify(out), lines.join('')]) {
      expect(findLeaks(text, [KEY, CARD.number])).toEqual([]);
      expect(text).not.toMatch(/737|cvc/);
      expect(text).toContain('411111…1112');
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 20, event: 'gateway_exchange_record', gateway: 'acme', outcome: 'approved', msg: 'gateway exchange record' });
  });

  it('the error format maps codes exhaustively; a message echoing the key is redacted', async () => {
    reply = { status: 402, body: { error: { code: 'card_declined', message: `declined for ${KEY}` } } };
    expect(await gw.authorize({ idempotencyKey: 'acme-auth-2', amount: 1_000, currency: 'USD', card: CARD })).toMatchObject({
      kind: 'declined', code: 'card_declined', message: 'declined for [redacted]', refusal: 'issuer',
    });
    reply = { status: 503, body: { error: { code: 'try_again', message: 'busy' } } };
    expect(await gw.capture({ idempotencyKey: 'acme-cap-1', gatewayRef: 'h_1', amount: 500, currency: 'USD' })).toMatchObject({ kind: 'unknown', reason: 'HTTP 503 try_again: busy' });
    reply = { status: 404, body: '<html>not found</html>' };
    expect(await gw.void({ idempotencyKey: 'acme-void-1', gatewayRef: 'h_1', amount: 500, currency: 'USD' })).toMatchObject({
      kind: 'misconfigured', message: 'HTTP 404 without a Acme error body; check ACME_BASE_URL',
    });
  });

  it('a builder that refuses sends nothing, and checkAuthorize runs the same builder', async () => {
    await expect(gw.authorize({ idempotencyKey: 'acme-auth-3', amount: 1_000, currency: 'USD' })).rejects.toBeInstanceOf(ValidationError);
    expect(() => gw.checkAuthorize?.({ idempotencyKey: 'acme-auth-4', amount: 1_000, currency: 'USD' })).toThrow(ValidationError);
    await expect(gw.capture({ idempotencyKey: 'has space', gatewayRef: 'h_1', amount: 1, currency: 'USD' })).rejects.toBeInstanceOf(ValidationError);
    expect(received).toEqual([]);
  });

  it('a refused connection is unavailable, with the idempotency key on the record', async () => {
    const dead = createHttpGateway(ACME_DEFINITION, { settings: { baseUrl: 'http://127.0.0.1:1', apiKey: KEY, accountId: 'acct-1' }, timeouts: TEST_TIMEOUTS });
    try {
      const out = await dead.void({ idempotencyKey: 'acme-void-2', gatewayRef: 'h_1', amount: 1, currency: 'USD' });
      expect(out).toMatchObject({ kind: 'unavailable', exchange: { idempotencyKey: 'acme-void-2', httpStatus: null } });
    } finally {
      await dead.close?.();
    }
  });
});
