// The shared got wiring: no retry, no redirect following, a response-size cap, and the
// before/after-send classification of transport errors.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyTransportError, createHttpClient } from '../../src/gateways/http.js';
import { classifyStatus } from '../../src/gateways/wire.js';
import { TEST_TIMEOUTS } from './gateway-scenarios.js';

describe('http wiring', () => {
  let server: Server;
  let url: string;
  let hits = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits += 1;
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`"${'x'.repeat(200_000)}"`);
      } else if (req.url === '/redirect') {
        res.writeHead(307, { location: '/elsewhere' });
        res.end();
      } else {
        res.writeHead(503);
        res.end('busy');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('never retries a POST, even on 503, and returns the status instead of throwing', async () => {
    const client = createHttpClient({ baseUrl: url, timeouts: TEST_TIMEOUTS });
    hits = 0;
    const out = await client.send({ method: 'POST', path: '/x', headers: {}, body: { a: 1 } });
    expect(out).toMatchObject({ kind: 'response', status: 503, bodyText: 'busy' });
    expect(hits).toBe(1);
    client.close();
  });

  it('does not follow redirects', async () => {
    const client = createHttpClient({ baseUrl: url, timeouts: TEST_TIMEOUTS });
    expect(await client.send({ method: 'POST', path: '/redirect', headers: {} })).toMatchObject({ kind: 'response', status: 307 });
    client.close();
  });

  it('stops reading a body above the cap: unknown (it was sent)', async () => {
    const client = createHttpClient({ baseUrl: url, timeouts: TEST_TIMEOUTS, maxResponseBytes: 10_000 });
    expect(await client.send({ method: 'POST', path: '/big', headers: {} })).toMatchObject({ kind: 'transport', outcome: 'unknown', reason: expect.stringContaining('larger than') });
    client.close();
  });

  it('classifies errors by whether the request could have been sent', () => {
    expect(classifyTransportError({ code: 'ECONNREFUSED', message: 'x' }).outcome).toBe('unavailable');
    expect(classifyTransportError({ code: 'EAI_AGAIN', message: 'x' }).outcome).toBe('unavailable');
    expect(classifyTransportError({ code: 'CERT_HAS_EXPIRED', message: 'x' }).outcome).toBe('unavailable');
    expect(classifyTransportError({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: 'x' }).outcome).toBe('unavailable');
    expect(classifyTransportError({ code: 'ETIMEDOUT', event: 'connect', message: 'x' }).outcome).toBe('unavailable');
    expect(classifyTransportError({ code: 'ETIMEDOUT', event: 'request', timings: {}, message: 'x' }).outcome).toBe('unavailable');
    expect(classifyTransportError({ code: 'ETIMEDOUT', event: 'request', timings: { connect: 1 }, message: 'x' }).outcome).toBe('unknown');
    expect(classifyTransportError({ code: 'ETIMEDOUT', event: 'response', message: 'x' }).outcome).toBe('unknown');
    expect(classifyTransportError({ code: 'ECONNRESET', message: 'socket hang up' }).outcome).toBe('unknown');
    expect(classifyTransportError(new Error('something odd')).outcome).toBe('unknown');
  });

  it('classifies statuses into the classes adapters switch over', () => {
    expect([200, 204, 401, 403, 408, 409, 422, 429, 500, 302, 101].map(classifyStatus)).toEqual([
      'success', 'success', 'credentials', 'credentials', 'rate-limited', 'in-flight', 'client-error', 'rate-limited', 'server-error', 'unexpected', 'unexpected',
    ]);
  });
});
