// The command line's contract, run in-process through the same program and error mapping as the bin
// (src/cli/run-cli.ts): exit codes, --json shapes, one-line errors, no stack traces, no colour when
// stdout is not a terminal. One test goes through the real binary (bin.test.ts).
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/harness.js';
import type { CliResult } from '../helpers/run-cli.js';
import { runCliInProcess as runCli } from '../helpers/cli-in-process.js';
import packageJson from '../../package.json' with { type: 'json' };

const HOLD_KEYS = ['id', 'orderId', 'gateway', 'gatewayRef', 'subscriptionId', 'state', 'amount', 'capturedAmount', 'currency', 'cardType', 'authorizedAt', 'expiresAt', 'actBy', 'onExpiry', 'onExpiryAmount', 'lastError', 'version'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const FAKE = { HOLDFAST_FAKE_GATEWAY: '1', HOLDFAST_FAKE_SOURCES: JSON.stringify({ 'sub-declined': { declineAuthorize: true }, 'sub-debit': { cardType: 'debit' } }) };

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

/** Asserts a failed run: the exit code, one "holdfast: …" line on stderr, and no stack trace. */
function expectError(result: CliResult, exit: number, match?: RegExp): void {
  expect(result.code, result.stderr).toBe(exit);
  expect(result.stderr).toMatch(/^holdfast: [^\n]+\n$/);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  if (match) expect(result.stderr).toMatch(match);
}

/** Asserts the --json error object on stdout. */
function expectJsonError(result: CliResult, code: string): void {
  expect(JSON.parse(result.stdout)).toEqual({ error: { code, message: expect.any(String) } });
  expect(JSON.parse(result.stdout).error.message).toBe(result.stderr.replace(/^holdfast: /, '').trim());
}

describe('holdfast: the lifecycle', () => {
  it('authorizes, tracks, lists, shows, captures, voids, plans and counts, with the documented shapes', async () => {
    // --db falls back to $HOLDFAST_DB.
    const env = { ...FAKE, HOLDFAST_DB: join(dir, 'life.db') };
    const cli = (...args: string[]) => runCli(args, { cwd: dir, env });

    // A mistyped database is refused, not created: only migrate and --create-db create one.
    expectError(await cli('list'), 1, /no database at .*life\.db: check --db/);
    const authorized = await cli('--json', 'authorize', '--gateway', 'fake', '--amount', '60.00', '--currency', 'PEN', '--subscription-id', 'sub-credit', '--order', 'order-42', '--on-expiry', 'capture', '--create-db');
    expect(authorized.code, authorized.stderr).toBe(0);
    const hold = JSON.parse(authorized.stdout);
    expect(Object.keys(hold)).toEqual(HOLD_KEYS);
    expect(hold).toMatchObject({ gateway: 'fake', state: 'authorized', amount: 6000, capturedAmount: 0, currency: 'PEN', cardType: 'credit', orderId: 'order-42', onExpiry: 'capture', subscriptionId: 'sub-credit' });
    for (const key of ['authorizedAt', 'expiresAt', 'actBy']) expect(hold[key]).toMatch(ISO);

    const declined = await cli('--json', 'authorize', '--gateway', 'fake', '--amount', '60.00', '--currency', 'PEN', '--subscription-id', 'sub-declined');
    expectError(declined, 1, /declined by the gateway: 017 Tarjeta no válida/);
    expectJsonError(declined, 'GATEWAY_DECLINED');

    const tracked = await cli('track', '--json', '--gateway', 'fake', '--ref', 'ext-1', '--amount', '125.50', '--currency', 'PEN', '--authorized-at', new Date(Date.now() - 60_000).toISOString(), '--card-type', 'debit');
    expect(tracked.code, tracked.stderr).toBe(0);
    const trackedHold = JSON.parse(tracked.stdout);
    expect(trackedHold).toMatchObject({ gatewayRef: 'ext-1', amount: 12550, cardType: 'debit', state: 'authorized' });

    const listed = await cli('list', '--json', '--state', 'authorized');
    expect(listed.code).toBe(0);
    // Soonest actBy first: the debit hold (7 d) before the credit one (28 d).
    expect(JSON.parse(listed.stdout)).toEqual({ holds: [expect.objectContaining({ id: trackedHold.id }), expect.objectContaining({ id: hold.id })], nextCursor: null });
    // A declined authorization says what was asked and why it was refused.
    const closed = JSON.parse((await cli('list', '--json', '--closed')).stdout);
    expect(closed.holds).toEqual([
      expect.objectContaining({
        state: 'declined', amount: 6000, currency: 'PEN', onExpiryAmount: null,
        lastError: { code: '017', message: 'Tarjeta no válida', operation: 'authorize', at: expect.stringMatching(ISO) },
      }),
    ]);

    const captured = await cli('--json', 'capture', hold.id, '--amount', '45.00');
    expect(captured.code, captured.stderr).toBe(0);
    expect(JSON.parse(captured.stdout)).toMatchObject({ id: hold.id, state: 'partially_captured', capturedAmount: 4500 });

    const shown = await cli('--json', 'show', hold.id);
    const detail = JSON.parse(shown.stdout);
    expect(Object.keys(detail)).toEqual([...HOLD_KEYS, 'holdUntil', 'fallback', 'extendBy', 'authorizations', 'replaces', 'replacedBy', 'replacementChain', 'transitions', 'exchanges']);
    expect(detail.transitions.map((t: { to: string; actor: string }) => `${t.to}/${t.actor}`)).toEqual(['authorizing/cli', 'authorized/cli', 'capturing/cli', 'partially_captured/cli']);
    expect(detail.exchanges.map((e: { operation: string; outcome: string }) => `${e.operation}:${e.outcome}`)).toEqual(['authorize:approved', 'capture:approved']);
    expect(detail.exchanges[1]).toMatchObject({ idempotencyKey: `${hold.id}:capture:1`, httpStatus: 201, request: { amount: 4500 } });

    // Not allowed in this state: exit 1.
    expectError(await cli('capture', hold.id), 1, /cannot capture hold .* partially_captured/);

    const planned = await cli('--json', 'on-expiry', trackedHold.id, 'capture', '--amount', '100.00');
    expect(JSON.parse(planned.stdout)).toMatchObject({ onExpiry: 'capture', version: trackedHold.version + 1 });

    // For people: a table, and no colour codes since stdout is a pipe.
    const voided = await cli('void', trackedHold.id);
    expect(voided.code, voided.stderr).toBe(0);
    expect(voided.stdout).toMatch(/state +│ voided/);
    expect(voided.stdout).not.toContain('\u001b[');

    const stats = await cli('stats', '--json');
    expect(JSON.parse(stats.stdout)).toEqual({
      at: expect.stringMatching(ISO),
      byState: [
        { state: 'partially_captured', currency: 'PEN', count: 1, amount: 6000, capturedAmount: 4500 },
        { state: 'voided', currency: 'PEN', count: 1, amount: 12550, capturedAmount: 0 },
        { state: 'declined', currency: 'PEN', count: 1, amount: 6000, capturedAmount: 0 },
      ],
      reachingActBy: [],
      expiredUncaptured: [],
      extensions: [],
    });

    const missing = await cli('--json', 'show', 'hold_00000000000000000000');
    expectError(missing, 1, /no hold with id/);
    expectJsonError(missing, 'HOLD_NOT_FOUND');
  });
});

describe('holdfast: bad input exits 2 with one line', () => {
  const authorize = (amount: string, currency: string) => ['authorize', '--gateway', 'fake', '--amount', amount, '--currency', currency, '--subscription-id', 'sub-credit'];
  const cases: [string, string[], string, RegExp][] = [
    ['amount 60.001 PEN', authorize('60.001', 'PEN'), 'INVALID_AMOUNT', /PEN has 2 decimal places/],
    ['amount 10.5 CLP', authorize('10.5', 'CLP'), 'INVALID_AMOUNT', /CLP has 0 decimal places/],
    ['amount 0', authorize('0', 'PEN'), 'INVALID_AMOUNT', /greater than zero/],
    ['amount -1', authorize('-1', 'PEN'), 'INVALID_AMOUNT', /invalid amount "-1"/],
    ['amount abc', authorize('abc', 'PEN'), 'INVALID_AMOUNT', /invalid amount "abc"/],
    ['lower-case currency', authorize('60.00', 'pen'), 'INVALID_CURRENCY', /upper case: PEN/],
    ['unknown state', ['list', '--state', 'pending'], 'INVALID_STATE', /unknown state "pending"/],
    ['bad duration', ['list', '--expiring-within', '3x'], 'INVALID_DURATION', /invalid --expiring-within "3x"/],
    ['bad date', ['track', '--gateway', 'fake', '--ref', 'r', '--amount', '1.00', '--currency', 'PEN', '--authorized-at', '2026-02-30T00:00:00Z'], 'INVALID_DATE', /no such date/],
    ['unknown command', ['lst'], 'USAGE', /unknown command 'lst'.*list/],
    ['unknown flag', ['list', '--sate', 'voided'], 'USAGE', /unknown option '--sate'/],
    ['missing argument', ['show'], 'USAGE', /missing required argument 'hold-id'/],
    ['missing required options, all at once', ['authorize', '--gateway', 'fake'], 'USAGE', /required options '--amount <decimal>', '--currency <code>', '--subscription-id <id>' not specified/],
  ];

  beforeAll(async () => {
    expect((await runCli(['--db', join(dir, 'input.db'), 'migrate'], { cwd: dir, env: {} })).code).toBe(0);
  });

  it.each(cases)('%s', async (_name, args, code, message) => {
    const result = await runCli(['--json', '--db', join(dir, 'input.db'), ...args], { cwd: dir, env: FAKE });
    expectError(result, 2, message);
    expectJsonError(result, code);
  });

  it('--version prints the package version; --json with no command prints the usage as JSON', async () => {
    expect(await runCli(['--version'], { cwd: dir })).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    const usage = await runCli(['--json'], { cwd: dir });
    expect(usage.code).toBe(2);
    const parsed = JSON.parse(usage.stdout) as { commands: { name: string; options: { flags: string; required: boolean }[] }[] };
    expect(parsed.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['authorize', 'list', 'resolve', 'retry', 'config', 'migrate']));
    expect(parsed.commands.find((c) => c.name === 'authorize')?.options).toContainEqual(expect.objectContaining({ flags: '--amount <decimal>', required: true }));
  });

  it('an invalid config file', async () => {
    const config = join(dir, 'bad.config.json');
    writeFileSync(config, JSON.stringify({ sweep: { schedule: 'often' } }));
    const result = await runCli(['list'], { cwd: dir, env: { HOLDFAST_CONFIG: config, HOLDFAST_DB: join(dir, 'config.db') } });
    expectError(result, 2, /invalid config .*bad\.config\.json: sweep\.schedule: is not a valid cron expression/);
    expect(result.stdout).toBe('');
  });

  it('an unconfigured gateway', async () => {
    const result = await runCli(['--db', join(dir, 'input.db'), ...authorize('1.00', 'PEN')], { cwd: dir, env: {} });
    expectError(result, 2, /gateway "fake" is not configured \(configured: none\)/);
  });

  it('a stack trace only with HOLDFAST_DEBUG', async () => {
    const result = await runCli(['--db', join(dir, 'input.db'), 'list', '--limit', '0'], { cwd: dir, env: { HOLDFAST_DEBUG: '1' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^holdfast: --limit must be a whole number of 1 or more, got "0"\nValidationError: [^\n]+\n\s+at /);
  });

  it('migrate creates the database and says so', async () => {
    const result = await runCli(['--db', join(dir, 'fresh.db'), 'migrate', '--json'], { cwd: dir, env: {} });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ database: join(dir, 'fresh.db'), schema: expect.stringMatching(/^\d{4}-[a-z-]+$/) });
    expect(result.stderr).toBe('');
  });
});
