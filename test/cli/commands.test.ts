// Every CLI command through its plain function, on a real SQLite file with the fake gateway and a
// manual clock. The bin's own wiring (exit codes, printing) is covered by bin.test.ts.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { typedError } from '../helpers/typed-error.js';
import { openHarness, type Harness, DAY_MS, T0 } from '../helpers/harness.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { findHold } from '../../db/holds.repository.js';
import { authorizeCommand } from '../../src/cli/commands/authorize.js';
import { trackCommand } from '../../src/cli/commands/track.js';
import { listCommand } from '../../src/cli/commands/list.js';
import { showCommand } from '../../src/cli/commands/show.js';
import { captureCommand } from '../../src/cli/commands/capture.js';
import { voidCommand } from '../../src/cli/commands/void.js';
import { onExpiryCommand } from '../../src/cli/commands/on-expiry.js';
import { statsCommand } from '../../src/cli/commands/stats.js';
import { migrateCommand } from '../../src/cli/commands/migrate.js';
import { holdDetailToJson, holdToJson } from '../../machines/hold-json.js';
import { engineOf } from '../../src/holds/internals.js';

const HOUR = 3_600_000;
let h: Harness;
beforeEach(async () => {
  h = await openHarness();
  h.fake.setSource('sub-debit', { cardType: 'debit' });
  h.fake.setSource('sub-decline', { declineAuthorize: true });
});
afterEach(async () => h.close());

const failure = typedError;

const authorize = (over: Partial<Parameters<typeof authorizeCommand>[1]> = {}) =>
  authorizeCommand(h.hf, { gateway: 'fake', amount: '60.00', currency: 'PEN', subscriptionId: 'sub-credit', ...over });

describe('authorize', () => {
  it('parses the decimal amount against the currency and returns the authorized hold', async () => {
    const hold = await authorize({ order: 'order-42', onExpiry: 'capture', idempotencyKey: 'order-42-auth' });
    expect(hold).toMatchObject({ state: 'authorized', amount: 6000, currency: 'PEN', orderId: 'order-42', onExpiry: 'capture', cardType: 'credit' });
    expect((await authorize({ amount: '15000', currency: 'CLP' })).amount).toBe(15000);
    expect((await authorize({ amount: '1.234', currency: 'KWD' })).amount).toBe(1234);
  });

  it.each([
    ['60.001', 'PEN', 'INVALID_AMOUNT'],
    ['10.5', 'CLP', 'INVALID_AMOUNT'],
    ['0', 'PEN', 'INVALID_AMOUNT'],
    ['0.00', 'PEN', 'INVALID_AMOUNT'],
    ['-1', 'PEN', 'INVALID_AMOUNT'],
    ['abc', 'PEN', 'INVALID_AMOUNT'],
    ['1e3', 'PEN', 'INVALID_AMOUNT'],
    ['60.00', 'pen', 'INVALID_CURRENCY'],
    ['60.00', 'XYZ', 'INVALID_CURRENCY'],
  ])('refuses %j %s as bad input (%s) and leaves no hold behind', async (amount, currency, code) => {
    const error = await failure(authorize({ amount, currency }));
    expect([error.code, error.usage]).toEqual([code, true]);
    expect((await listCommand(h.hf)).holds).toEqual([]);
  });

  it('refuses an unknown on-expiry plan and an unconfigured gateway as bad input', async () => {
    expect((await failure(authorize({ onExpiry: 'later' }))).code).toBe('INVALID_ON_EXPIRY');
    const error = await failure(authorize({ gateway: 'stripe' }));
    expect([error.code, error.usage]).toEqual(['GATEWAY_NOT_CONFIGURED', true]);
  });

  it("fails a decline as an operation (not usage) with the gateway's code and message", async () => {
    const error = await failure(authorize({ subscriptionId: 'sub-decline' }));
    expect([error.code, error.usage]).toEqual(['GATEWAY_DECLINED', false]);
    expect(error.message).toContain('017 Tarjeta no válida');
    // The declined hold keeps the amount asked for: the API, list and show say the same.
    const [declined] = (await listCommand(h.hf, { closed: true })).holds;
    expect(declined).toMatchObject({ state: 'declined', amount: 6000, authorizedAt: null, lastError: { code: '017', operation: 'authorize' } });
    expect((await showCommand(h.hf, { holdId: declined!.id })).hold.amount).toBe(6000);
    expect((await h.hf.get(declined!.id)).amount).toBe(6000);
    expect(holdToJson(declined!)).toMatchObject({ amount: 6000, lastError: { code: '017', message: 'Tarjeta no válida', operation: 'authorize', at: new Date(T0).toISOString() } });
  });
});

describe('track', () => {
  it('registers an authorization made elsewhere with the card type window', async () => {
    const hold = await trackCommand(h.hf, {
      gateway: 'fake', ref: 'ext-1', amount: '125.50', currency: 'PEN', authorizedAt: '2026-01-04T19:00:00-05:00', cardType: 'debit', order: 'order-7',
    });
    expect(hold).toMatchObject({ state: 'authorized', gatewayRef: 'ext-1', amount: 12550, cardType: 'debit', authorizedAt: T0, expiresAt: T0 + 7 * DAY_MS });
  });

  it('refuses a bad date, card type or amount', async () => {
    const base = { gateway: 'fake', ref: 'ext-2', amount: '10.00', currency: 'PEN', authorizedAt: '2026-01-04T00:00:00Z' };
    expect((await failure(trackCommand(h.hf, { ...base, authorizedAt: '2026-02-30T00:00:00Z' }))).code).toBe('INVALID_DATE');
    expect((await failure(trackCommand(h.hf, { ...base, authorizedAt: '2026-01-04 00:00' }))).code).toBe('INVALID_DATE');
    expect((await failure(trackCommand(h.hf, { ...base, cardType: 'amex' }))).code).toBe('INVALID_CARD_TYPE');
    expect((await failure(trackCommand(h.hf, { ...base, amount: '10.5', currency: 'CLP' }))).code).toBe('INVALID_AMOUNT');
  });
});

describe('list', () => {
  it('lists soonest actBy first, filters by state, order, gateway and expiring-within, and limits', async () => {
    const credit = await authorize({ order: 'order-1' });
    const debit = await authorize({ subscriptionId: 'sub-debit', order: 'order-2' });
    h.clock.advance(60_000); // a later actBy than the credit hold's, not a tie broken by random id
    const voided = await authorize({ order: 'order-3' });
    await voidCommand(h.hf, { holdId: voided.id });
    expect((await listCommand(h.hf)).holds.map((x) => x.id)).toEqual([debit.id, credit.id, voided.id]);
    expect((await listCommand(h.hf, { state: 'voided' })).holds.map((x) => x.id)).toEqual([voided.id]);
    expect((await listCommand(h.hf, { order: 'order-1' })).holds.map((x) => x.id)).toEqual([credit.id]);
    expect((await listCommand(h.hf, { gateway: 'kushki' })).holds).toEqual([]);
    // The debit hold acts at T0 + 6d: within 6d it is listed, within 5d it is not.
    expect((await listCommand(h.hf, { expiringWithin: '6d' })).holds.map((x) => x.id)).toEqual([debit.id]);
    expect((await listCommand(h.hf, { expiringWithin: '119h' })).holds).toEqual([]);
    expect((await listCommand(h.hf, { open: true })).holds.map((x) => x.id)).toEqual([debit.id, credit.id]);
    expect((await listCommand(h.hf, { closed: true })).holds.map((x) => x.id)).toEqual([voided.id]);
    // Pages: each prints the cursor of the next; the last prints none.
    const first = await listCommand(h.hf, { limit: '2' });
    expect(first.holds.map((x) => x.id)).toEqual([debit.id, credit.id]);
    const second = await listCommand(h.hf, { limit: '2', cursor: first.nextCursor! });
    expect(second).toEqual({ holds: [expect.objectContaining({ id: voided.id })], nextCursor: null });
    expect((await listCommand(h.hf, { limit: '3' })).nextCursor).toBeNull();
  });

  it('has no cap: without --limit a page of 100 and a cursor, --limit above 1000 and --all read every page', async () => {
    const t = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 1_205; i++) {
      await trackCommand(h.hf, { gateway: 'fake', ref: `ext-${i}`, amount: '1.00', currency: 'PEN', authorizedAt: new Date(t + i * 1_000).toISOString() });
    }
    const page = await listCommand(h.hf);
    expect(page.holds).toHaveLength(100);
    expect(page.nextCursor).not.toBeNull();
    const big = await listCommand(h.hf, { limit: '1100' });
    expect(big.holds).toHaveLength(1_100);
    const rest = await listCommand(h.hf, { all: true, cursor: big.nextCursor! });
    expect([rest.holds.length, rest.nextCursor]).toEqual([105, null]);
    const all = await listCommand(h.hf, { all: true });
    expect(all.holds.map((x) => x.gatewayRef)).toEqual([...big.holds, ...rest.holds].map((x) => x.gatewayRef));
    expect(new Set(all.holds.map((x) => x.id)).size).toBe(1_205);
    // Soonest actBy first across the pages.
    expect(all.holds.map((x) => x.actBy)).toEqual([...all.holds.map((x) => x.actBy)].sort((a, b) => a! - b!));
  }, 60_000);

  it('refuses an unknown state, a bad duration and a bad limit as bad input', async () => {
    for (const [options, code] of [
      [{ state: 'pending' }, 'INVALID_STATE'],
      [{ expiringWithin: '3x' }, 'INVALID_DURATION'],
      [{ expiringWithin: '2' }, 'INVALID_DURATION'],
      [{ limit: '0' }, 'INVALID_LIMIT'],
      [{ limit: 'ten' }, 'INVALID_LIMIT'],
      [{ limit: '5', all: true }, 'INVALID_LIMIT'],
      [{ open: true, closed: true }, 'INVALID_STATUS'],
      [{ closed: true, expiringWithin: '1d' }, 'INVALID_STATUS'],
      [{ cursor: 'not-a-cursor' }, 'INVALID_CURSOR'],
    ] as const) {
      const error = await failure(listCommand(h.hf, options));
      expect([error.code, error.usage]).toEqual([code, true]);
    }
  });
});

describe('show', () => {
  it('returns the hold with its transitions and redacted exchanges; the JSON shape has both arrays', async () => {
    const hold = await authorize();
    const result = await showCommand(h.hf, { holdId: hold.id });
    expect(result.history.transitions.map((t) => t.to)).toEqual(['authorizing', 'authorized']);
    const json = holdDetailToJson(result.hold, result.history);
    expect(Object.keys(json)).toEqual([...Object.keys(holdToJson(hold)), 'holdUntil', 'fallback', 'extendBy', 'authorizations', 'replaces', 'replacedBy', 'replacementChain', 'transitions', 'exchanges']);
    expect(json.transitions[0]).toEqual({ from: null, to: 'authorizing', event: 'AUTHORIZE', actor: 'api', at: new Date(T0).toISOString(), detail: null });
    expect(json.exchanges).toHaveLength(1);
    expect(json.exchanges[0]).toMatchObject({ operation: 'authorize', httpStatus: 201, outcome: 'approved', at: new Date(T0).toISOString() });
    expect(Object.keys(json.exchanges[0]!)).toEqual(['operation', 'idempotencyKey', 'httpStatus', 'outcome', 'gatewayCode', 'message', 'request', 'response', 'at']);
  });

  it('fails for an unknown hold (operation failed) and refuses a malformed id (bad input)', async () => {
    const missing = await failure(showCommand(h.hf, { holdId: 'hold_00000000000000000000' }));
    expect([missing.code, missing.usage]).toEqual(['HOLD_NOT_FOUND', false]);
    const malformed = await failure(showCommand(h.hf, { holdId: 'order-1' }));
    expect([malformed.code, malformed.usage]).toEqual(['INVALID_HOLD_ID', true]);
  });
});

describe('capture and void', () => {
  it("captures an amount in the hold's currency, then refuses a second capture as not allowed", async () => {
    const hold = await authorize();
    const captured = await captureCommand(h.hf, { holdId: hold.id, amount: '45.00' });
    expect(captured).toMatchObject({ state: 'partially_captured', capturedAmount: 4500 });
    const again = await failure(captureCommand(h.hf, { holdId: hold.id }));
    expect([again.code, again.usage]).toEqual(['INVALID_TRANSITION', false]);
  });

  it("captures everything by default and checks the amount against the hold's currency", async () => {
    const clp = await authorize({ amount: '15000', currency: 'CLP' });
    const error = await failure(captureCommand(h.hf, { holdId: clp.id, amount: '10.5' }));
    expect([error.code, error.usage]).toEqual(['INVALID_AMOUNT', true]);
    expect(await captureCommand(h.hf, { holdId: clp.id })).toMatchObject({ state: 'captured', capturedAmount: 15000 });
  });

  it('voids, and refuses to void a voided hold', async () => {
    const hold = await authorize();
    expect((await voidCommand(h.hf, { holdId: hold.id })).state).toBe('voided');
    expect((await failure(voidCommand(h.hf, { holdId: hold.id }))).code).toBe('INVALID_TRANSITION');
  });
});

describe('on-expiry', () => {
  it('sets the plan, with an amount for capture only', async () => {
    const hold = await authorize();
    expect(await onExpiryCommand(h.hf, { holdId: hold.id, plan: 'capture', amount: '10.00' })).toMatchObject({ onExpiry: 'capture', onExpiryAmount: 1000 });
    expect(await onExpiryCommand(h.hf, { holdId: hold.id, plan: 'void' })).toMatchObject({ onExpiry: 'void', onExpiryAmount: null });
    expect((await failure(onExpiryCommand(h.hf, { holdId: hold.id, plan: 'void', amount: '1.00' }))).code).toBe('INVALID_AMOUNT');
    expect((await failure(onExpiryCommand(h.hf, { holdId: hold.id, plan: 'refund' }))).code).toBe('INVALID_ON_EXPIRY');
    expect((await failure(onExpiryCommand(h.hf, { holdId: hold.id, plan: 'capture', amount: '60.001' }))).code).toBe('INVALID_AMOUNT');
  });
});

describe('stats', () => {
  it('counts per state and currency, sums what reaches actBy per horizon, and reports expired holds', async () => {
    // Population: debit PEN acting at T0+6d; credit PEN at T0+27d; a debit USD tracked 6.5 days
    // ago, overdue by 12 h; a CLP hold captured; a USD hold that lapsed uncaptured.
    await authorize({ subscriptionId: 'sub-debit', amount: '100.00' });
    await authorize({ amount: '60.00' });
    await trackCommand(h.hf, { gateway: 'fake', ref: 'ext-due', amount: '20.00', currency: 'USD', authorizedAt: new Date(T0 - 6.5 * DAY_MS).toISOString(), cardType: 'debit' });
    const captured = await authorize({ amount: '15000', currency: 'CLP' });
    await captureCommand(h.hf, { holdId: captured.id });
    const lapsed = await trackCommand(h.hf, { gateway: 'fake', ref: 'ext-lapsed', amount: '9.99', currency: 'USD', authorizedAt: new Date(T0 - 6.9 * DAY_MS).toISOString(), cardType: 'debit' });
    h.clock.advance(3 * HOUR); // past the lapsed hold's expiresAt (T0 + 0.1 d)
    const stored = await findHold(engineOf(h.hf).store.db, lapsed.id);
    await engineOf(h.hf).commit(stored!, { type: 'EXPIRE', at: h.clock.now() }, 'sweeper');

    const stats = await statsCommand(h.hf);
    expect(stats.at).toBe(T0 + 3 * HOUR);
    expect(stats.byState).toEqual([
      { state: 'authorized', currency: 'PEN', count: 2, amount: 16000, capturedAmount: 0 },
      { state: 'authorized', currency: 'USD', count: 1, amount: 2000, capturedAmount: 0 },
      { state: 'captured', currency: 'CLP', count: 1, amount: 15000, capturedAmount: 15000 },
      { state: 'expired', currency: 'USD', count: 1, amount: 999, capturedAmount: 0 },
    ]);
    expect(stats.reachingActBy).toEqual([
      { within: '24h', currency: 'USD', count: 1, amount: 2000 },
      { within: '72h', currency: 'USD', count: 1, amount: 2000 },
      { within: '7d', currency: 'PEN', count: 1, amount: 10000 },
      { within: '7d', currency: 'USD', count: 1, amount: 2000 },
    ]);
    expect(stats.expiredUncaptured).toEqual([{ currency: 'USD', count: 1, amount: 999 }]);
  });

  it('is empty on an empty database', async () => {
    expect(await statsCommand(h.hf)).toEqual({ at: T0, byState: [], reachingActBy: [], expiredUncaptured: [], extensions: [] });
  });
});

describe('migrate', () => {
  it('reports the latest migration', async () => {
    expect(await migrateCommand({ db: h.dbPath })).toEqual({ database: h.dbPath, schema: expect.stringMatching(/^\d{4}-/) });
  });
});

describe('a gateway this process does not have', () => {
  it('refuses capture and void before committing anything, leaving the hold as it was', async () => {
    const hold = await authorize();
    const other = await h.reopen({ fake: new FakeGateway({ name: 'other' }) });
    for (const run of [() => captureCommand(other, { holdId: hold.id }), () => voidCommand(other, { holdId: hold.id })]) {
      const error = await failure(run());
      expect([error.code, error.usage]).toEqual(['GATEWAY_NOT_CONFIGURED', true]);
    }
    expect(await other.get(hold.id)).toEqual(hold);
  });
});

describe('extend and adjust on a gateway that can neither reauthorize nor replace', () => {
  it('refuses the extend plan and extend with EXTENSION_NOT_SUPPORTED, adjust with ADJUSTMENT_NOT_SUPPORTED, and changes nothing', async () => {
    const { extendCommand, adjustCommand } = await import('../../src/cli/commands/extend.js');
    const hold = await authorize();
    expect((await failure(onExpiryCommand(h.hf, { holdId: hold.id, plan: 'extend', until: '2026-01-20T00:00:00Z' }))).code).toBe('EXTENSION_NOT_SUPPORTED');
    expect((await failure(extendCommand(h.hf, { holdId: hold.id }))).code).toBe('EXTENSION_NOT_SUPPORTED');
    expect((await failure(adjustCommand(h.hf, { holdId: hold.id, amount: '70.00' }))).code).toBe('ADJUSTMENT_NOT_SUPPORTED');
    expect(await h.hf.get(hold.id)).toMatchObject({ onExpiry: 'void', amount: 6000, version: hold.version });
  });
});
