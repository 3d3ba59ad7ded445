// Bad input through the API, the real CLI and the gateway's wire: each case gets a typed error with
// a stable code and changes nothing (every row of every table compared before and after). Gateway
// bodies come from a tiny loopback server; there a refused answer is recorded (exchange, journal)
// but never turns into a capture, and a well-formed oddity (extra fields, 18-digit numbers, odd
// `created`) is read exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { openHarness, T0, DAY_MS, type Harness } from '../helpers/harness.js';
import { runCli } from '../helpers/run-cli.js';
import { openHoldfast, type Holdfast } from '../../src/holds/holdfast.js';
import { createKushkiGateway } from '../../src/gateways/kushki/index.js';
import { assertPragmas } from '../../db/connection.js';
import { findPans } from '../../src/gateways/redact.js';
import { HoldfastError } from '../../src/errors.js';
import { ManualClock } from '../../src/clock.js';
import { dumpDatabase, tamper } from './db-dump.js';
import { inLanes } from './lanes.js';
import { recordResult, stopwatch, type FigureRow } from './results.js';

const elapsed = stopwatch();
/** One case: the typed error it got, whether that was the expected one, and whether the database stayed as it was. */
const outcomes: { through: string; name: string; code: string; typed: boolean; unchanged: boolean; applied?: boolean }[] = [];
let h: Harness;

beforeAll(async () => {
  h = await openHarness();
});
afterAll(async () => {
  await h.close();
  const byThrough = new Map<string, number>();
  for (const o of outcomes) byThrough.set(o.through, (byThrough.get(o.through) ?? 0) + 1);
  if (outcomes.length >= 30 && passed === 3) {
    const rows: FigureRow[] = outcomes.map((o) => ({ through: o.through, case: o.name, 'typed error': o.code, 'database unchanged': o.unchanged ? 'yes' : 'no (recorded, not applied)' }));
    recordResult({
      suite: 'bad-input',
      title: `Bad input (${outcomes.length} cases: ${[...byThrough].map(([k, v]) => `${v} ${k}`).join(', ')})`,
      rows,
      violations: {
        untypedErrors: outcomes.filter((o) => !o.typed).length,
        badInputThatChangedTheDatabase: outcomes.filter((o) => o.through !== 'gateway body' && !o.unchanged).length,
        gatewayAnswersAppliedAsCapture: outcomes.filter((o) => o.applied === true).length,
      },
      notes: ['API and CLI cases: every row of holds, hold_transitions, gateway_exchanges and webhook_outbox compared before and after', 'gateway cases: the answer is recorded as an exchange and the hold stays uncaptured (in flight for a retry under the same key, or back to authorized after a decline)'],
      durationMs: elapsed(),
    });
  }
});
let passed = 0;

/** Expects `run` to reject with `code` and leave the database as it was. */
async function refuses(through: string, name: string, dbPath: string, code: string | string[], run: () => Promise<unknown>): Promise<void> {
  const before = dumpDatabase(dbPath);
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  const got = error instanceof HoldfastError ? error.code : 'none';
  const unchanged = dumpDatabase(dbPath) === before;
  outcomes.push({ through, name, code: got, typed: [code].flat().includes(got) && (error as Error).message.length > 10, unchanged });
  expect(error, `${name}: must be refused`).toBeInstanceOf(HoldfastError);
  expect([code].flat(), `${name}: ${(error as Error).message}`).toContain(got);
  expect((error as Error).message.length, name).toBeGreaterThan(10);
  expect(unchanged, `${name}: database unchanged`).toBe(true);
}

describe('bad input through the API', () => {
  it('each case is refused with a typed error and changes nothing', async () => {
    const { hf, dbPath, clock } = h;
    const auth = (over: Record<string, unknown>) => () => hf.authorize({ gateway: 'fake', subscriptionId: 'sub-1', amount: 1_000, currency: 'PEN', ...over } as never);
    const open = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-open', amount: 10_000, currency: 'PEN', idempotencyKey: 'order-1-auth' });
    const captured = await hf.capture((await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-c', amount: 5_000, currency: 'PEN' })).id);
    const voided = await hf.void((await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-v', amount: 5_000, currency: 'PEN' })).id);
    const lapsing = await hf.track({ gateway: 'fake', gatewayRef: 'ext-lapsing', amount: 3_000, currency: 'PEN', authorizedAt: T0 - 27.99 * DAY_MS, cardType: 'credit' });
    const damaged = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-d', amount: 2_000, currency: 'PEN' });
    const truncated = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-t', amount: 2_000, currency: 'PEN' });
    const api = (name: string, code: string | string[], run: () => Promise<unknown>) => refuses('API', name, dbPath, code, run);

    await api('authorize amount 0', 'INVALID_AMOUNT', auth({ amount: 0 }));
    await api('authorize amount negative', 'INVALID_AMOUNT', auth({ amount: -100 }));
    await api('authorize amount NaN', 'INVALID_AMOUNT', auth({ amount: Number.NaN }));
    await api('authorize amount Infinity', 'INVALID_AMOUNT', auth({ amount: Number.POSITIVE_INFINITY }));
    await api('authorize amount "1e3" (a string)', 'INVALID_AMOUNT', auth({ amount: '1e3' }));
    await api('authorize amount 10.5 (major units / fraction of a minor unit)', 'INVALID_AMOUNT', auth({ amount: 10.5 }));
    await api('authorize amount beyond 2^53', 'INVALID_AMOUNT', auth({ amount: 2 ** 53 + 2 }));
    await api('authorize unknown currency XYZ', 'INVALID_CURRENCY', auth({ currency: 'XYZ' }));
    await api('authorize lower-case currency pen', 'INVALID_CURRENCY', auth({ currency: 'pen' }));
    await api('authorize on-expiry "refund"', 'INVALID_ON_EXPIRY', auth({ onExpiry: 'refund' }));
    await api('authorize same idempotency key, other amount', 'IDEMPOTENCY_KEY_REUSED', auth({ subscriptionId: 'sub-open', amount: 10_001, idempotencyKey: 'order-1-auth' }));
    await api('capture amount 0', 'INVALID_AMOUNT', () => hf.capture(open.id, { amount: 0 }));
    await api('capture amount negative', 'INVALID_AMOUNT', () => hf.capture(open.id, { amount: -1 }));
    await api('capture amount 10.5', 'INVALID_AMOUNT', () => hf.capture(open.id, { amount: 10.5 }));
    await api('capture above 110 %', 'AMOUNT_EXCEEDS_AUTHORIZED', () => hf.capture(open.id, { amount: 11_001 }));
    await api('second capture', 'INVALID_TRANSITION', () => hf.capture(captured.id));
    await api('capture after void', 'INVALID_TRANSITION', () => hf.capture(voided.id));
    await api('void after capture', 'INVALID_TRANSITION', () => hf.void(captured.id));
    await api('unknown hold id', 'HOLD_NOT_FOUND', () => hf.capture('hold_0123456789abcdef0123'));
    await api('malformed hold id', 'INVALID_HOLD_ID', () => hf.void('hold_12; DROP TABLE holds'));
    await api('hold id as a JSON number', 'INVALID_HOLD_ID', () => hf.get(123456789012345678 as never));
    await api('on-expiry capture above 110 %', 'AMOUNT_EXCEEDS_AUTHORIZED', () => hf.setOnExpiry(open.id, 'capture', { amount: 20_000 }));
    await api('track authorizedAt in the future', 'INVALID_DATE', () => hf.track({ gateway: 'fake', gatewayRef: 'ext-future', amount: 1_000, currency: 'PEN', authorizedAt: T0 + DAY_MS }));
    await api('track authorizedAt in seconds, not ms', ['INVALID_DATE', 'HOLD_EXPIRED'], () => hf.track({ gateway: 'fake', gatewayRef: 'ext-secs', amount: 1_000, currency: 'PEN', authorizedAt: Math.floor(T0 / 1000) }));
    await api('track an 18-digit reference sent as a JSON number', 'INVALID_GATEWAY_REF', () => hf.track({ gateway: 'fake', gatewayRef: 123456789012345678 as never, amount: 1_000, currency: 'PEN', authorizedAt: T0 }));
    tamper(dbPath, 'UPDATE holds SET machine_version = 999 WHERE id = ?', damaged.id);
    await api('snapshot of an unknown machine version', 'UNKNOWN_MACHINE_VERSION', () => hf.capture(damaged.id));
    tamper(dbPath, 'UPDATE holds SET snapshot = substr(snapshot, 1, 40) WHERE id = ?', truncated.id);
    await api('truncated snapshot JSON', 'CORRUPT_SNAPSHOT', () => hf.void(truncated.id));
    clock.set(lapsing.expiresAt!);
    await api('capture at expiresAt', 'HOLD_EXPIRED', () => hf.capture(lapsing.id));
    await api('void after expiry (would be a refund)', 'HOLD_EXPIRED', () => hf.void(lapsing.id));
    // synchronous is per connection: holdfast sets FULL at open and refuses a connection without it.
    const raw = new BetterSqlite3(`${dbPath}.sync-off`);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = OFF');
    await api('a database connection with synchronous off', 'UNSAFE_DATABASE_SETTINGS', async () => assertPragmas(raw, 'sync-off.db'));
    raw.close();
    passed++;
  });
});

describe('bad input through the CLI (the real bin)', () => {
  it('each case exits non-zero with one line and a typed code, changing nothing', async () => {
    const { hf, dbPath, dir } = { ...h, dir: h.dbPath.replace(/\/holdfast\.db$/, '') };
    // The CLI runs on the real clock: this hold must be live now.
    h.clock.set(Date.now());
    const hold = await hf.authorize({ gateway: 'fake', subscriptionId: 'sub-cli', amount: 6_000, currency: 'PEN' });
    const authorize = (amount: string, currency = 'PEN') => ['authorize', '--gateway', 'fake', `--amount=${amount}`, '--currency', currency, '--subscription-id', 'sub-x'];
    const cases: [string, string[], string][] = [
      ['authorize --amount 0', authorize('0'), 'INVALID_AMOUNT'],
      ['authorize --amount=-5', authorize('-5'), 'INVALID_AMOUNT'],
      ['authorize --amount NaN', authorize('NaN'), 'INVALID_AMOUNT'],
      ['authorize --amount 1e3', authorize('1e3'), 'INVALID_AMOUNT'],
      ['authorize --amount 60.001 PEN (too many decimals)', authorize('60.001'), 'INVALID_AMOUNT'],
      ['authorize --amount 10.50 JPY (minor/major confusion)', authorize('10.50', 'JPY'), 'INVALID_AMOUNT'],
      ['authorize --amount 60,00', authorize('60,00'), 'INVALID_AMOUNT'],
      ['authorize --currency pen', authorize('60.00', 'pen'), 'INVALID_CURRENCY'],
      ['authorize --currency XYZ', authorize('60.00', 'XYZ'), 'INVALID_CURRENCY'],
      ['capture above 110 %', ['capture', hold.id, '--amount', '66.01'], 'AMOUNT_EXCEEDS_AUTHORIZED'],
      ['capture --amount 0.001 (too many decimals)', ['capture', hold.id, '--amount', '0.001'], 'INVALID_AMOUNT'],
      ['capture a malformed id', ['capture', 'hold_nope'], 'INVALID_HOLD_ID'],
      ['void an unknown id', ['void', 'hold_0123456789abcdef0123'], 'HOLD_NOT_FOUND'],
    ];
    await hf.close();
    const before = dumpDatabase(dbPath);
    const cli: (typeof outcomes)[number][] = [];
    await inLanes(cases, 2, async ([name, args, code]) => {
      const res = await runCli(['--db', dbPath, '--json', ...args], { cwd: dir, env: { HOLDFAST_FAKE_GATEWAY: '1' } });
      const got = (() => {
        try {
          return String(JSON.parse(res.stdout.trim()).error.code);
        } catch {
          return 'none';
        }
      })();
      // Whether the database changed is checked once for all CLI cases, below.
      cli.push({ through: 'CLI', name, code: got, typed: res.code !== 0 && got === code && res.stderr.trim().split('\n').length === 1 && !/\n\s+at /.test(res.stderr), unchanged: false });
      expect(res.code, `${name}: ${res.stderr}`).toBeGreaterThan(0);
      expect(res.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(res.stderr).toMatch(/^holdfast: /);
      expect(res.stderr).not.toMatch(/\n\s+at /);
      expect(JSON.parse(res.stdout.trim()).error.code, name).toBe(code);
    });
    const cliUnchanged = dumpDatabase(dbPath) === before;
    for (const o of cli) outcomes.push({ ...o, unchanged: cliUnchanged });
    expect(cliUnchanged, 'CLI cases changed the database').toBe(true);
    h.hf = await h.reopen();
    passed++;
  }, 120_000);
});

describe('bad gateway bodies on the wire (a loopback server speaking Kushki)', () => {
  let server: Server;
  let reply: { status: number; body: string; type?: string } = { status: 500, body: '' };
  let hf: Holdfast;
  const clock = new ManualClock(T0);
  const dbPath = () => h.dbPath.replace(/holdfast\.db$/, 'wire.db');

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(reply.status, { 'content-type': reply.type ?? 'application/json' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    hf = await openHoldfast({ database: dbPath(), clock, logger: pino({ level: 'silent' }), gateways: [createKushkiGateway({ baseUrl: `http://127.0.0.1:${port}`, privateMerchantId: 'm', clock, timeouts: { responseMs: 2_000, requestMs: 5_000 } })] });
  });
  afterAll(async () => {
    await hf.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const approval = (details: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ticketNumber: '987654321098765432', details: { transactionStatus: 'APPROVAL', transactionType: 'CAPTURE', approvedTransactionAmount: 10, amount: { currency: 'PEN' }, ...details }, ...extra });

  it('refused or unreadable answers never become a capture; odd but valid ones are read exactly', async () => {
    let ref = 100000000000000000n;
    const wire = async (name: string, code: string, body: { status: number; body: string; type?: string }) => {
      const hold = await hf.track({ gateway: 'kushki', gatewayRef: String(ref++), subscriptionId: 'sub-w', amount: 1_000, currency: 'PEN', authorizedAt: T0, cardType: 'credit' });
      reply = body;
      const error = await hf.capture(hold.id).then(() => null, (e: unknown) => e);
      const after = await hf.get(hold.id);
      const got = error instanceof HoldfastError ? error.code : 'none';
      outcomes.push({ through: 'gateway body', name, code: got, typed: got === code, unchanged: false, applied: after.capturedAmount !== 0 || !['capturing', 'authorized'].includes(after.state) });
      expect(error, name).toBeInstanceOf(HoldfastError);
      expect((error as HoldfastError).code, `${name}: ${(error as Error).message}`).toBe(code);
      expect(after.capturedAmount, name).toBe(0);
      expect(['capturing', 'authorized'], name).toContain(after.state);
    };
    await wire('201 with transactionStatus DECLINED', 'GATEWAY_DECLINED', { status: 201, body: approval({ transactionStatus: 'DECLINED', responseCode: '017', responseText: 'Tarjeta no válida' }) });
    await wire('201 with transactionStatus INITIALIZED', 'GATEWAY_UNKNOWN_OUTCOME', { status: 201, body: approval({ transactionStatus: 'INITIALIZED' }) });
    await wire('201 APPROVAL without approvedTransactionAmount', 'GATEWAY_UNKNOWN_OUTCOME', { status: 201, body: approval({ approvedTransactionAmount: undefined }) });
    await wire('201 without details', 'GATEWAY_UNKNOWN_OUTCOME', { status: 201, body: JSON.stringify({ ticketNumber: '1' }) });
    await wire('201 APPROVAL in another currency (mismatch)', 'GATEWAY_UNKNOWN_OUTCOME', { status: 201, body: approval({ amount: { currency: 'USD' } }) });
    await wire('201 APPROVAL for more than was asked', 'GATEWAY_UNKNOWN_OUTCOME', { status: 201, body: approval({ approvedTransactionAmount: 10_000 }) });
    await wire('a 10 MB body', 'GATEWAY_UNKNOWN_OUTCOME', { status: 201, body: `{"pad":"${'x'.repeat(10 * 1024 * 1024)}"}` });
    await wire('an HTML error page (502)', 'GATEWAY_UNKNOWN_OUTCOME', { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', type: 'text/html' });
    await wire('an HTML page with 200', 'GATEWAY_UNKNOWN_OUTCOME', { status: 200, body: '<!doctype html><title>Login</title>', type: 'text/html' });

    // Valid answers with oddities: read exactly, nothing invented, no card number stored.
    const authBody = (created: unknown, extra: Record<string, unknown> = {}, ticket = '123456789012345678901') =>
      `{"ticketNumber":${ticket},"details":{"transactionStatus":"APPROVAL","transactionType":"PREAUTHORIZATION","approvedTransactionAmount":10,"currencyCode":"PEN","created":${JSON.stringify(created)},"binInfo":{"type":"credit"}},"extra":${JSON.stringify(extra)}}`;
    reply = { status: 201, body: authBody(T0 + 3 * DAY_MS, { cardNumber: '4111111111111111', whatever: [1, 2] }) };
    const future = await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-odd', amount: 1_000, currency: 'PEN' });
    expect(future.gatewayRef, '18+-digit ticket sent as a JSON number keeps every digit').toBe('123456789012345678901');
    expect(future.authorizedAt, '`created` in the future is not trusted').toBe(T0);
    reply = { status: 201, body: authBody(Math.floor((T0 - 60_000) / 1000), {}, '223456789012345678') };
    const seconds = await hf.authorize({ gateway: 'kushki', subscriptionId: 'sub-odd', amount: 1_000, currency: 'PEN' });
    expect(seconds.authorizedAt, '`created` in seconds is read as seconds').toBe(T0 - 60_000);
    // Read while open, so the -wal file still holds the latest pages.
    const files = [dbPath(), `${dbPath()}-wal`].filter((f) => existsSync(f));
    // Ticket numbers can happen to pass Luhn; the card number the gateway echoed must not be there.
    expect(findPans(files.map((f) => readFileSync(f).toString('latin1')).join('\n'))).not.toContain('4111111111111111');
    await hf.close();
    hf = await openHoldfast({ database: dbPath(), clock, logger: pino({ level: 'silent' }), gateways: [] });
    passed++;
  }, 60_000);
});
