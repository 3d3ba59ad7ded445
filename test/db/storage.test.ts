// The SQLite store: durability settings, migrations, indexes, and refusal of snapshots it cannot read.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { assertPragmas, openSqliteStore as openStore } from '../../db/connection.js';
import { openHarness, tempDir, type Harness } from '../helpers/harness.js';
import { HoldfastError } from '../../src/errors.js';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../db/schema.js';
import { listHolds } from '../../db/holds.repository.js';

describe('openStore', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('opens with WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    const store = await openStore(join(dir.dir, 'a.db'));
    expect(store.native.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.native.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.native.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(store.native.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    await store.close();
  });

  it('refuses a connection with synchronous off, NORMAL, or without WAL', () => {
    const native = new BetterSqlite3(join(dir.dir, 'b.db'));
    native.pragma('journal_mode = WAL');
    native.pragma('foreign_keys = ON');
    native.pragma('synchronous = OFF');
    expect(() => assertPragmas(native, 'b.db')).toThrow(/synchronous=0/);
    native.pragma('synchronous = NORMAL');
    expect(() => assertPragmas(native, 'b.db')).toThrow(/synchronous=1/);
    native.pragma('synchronous = FULL');
    expect(() => assertPragmas(native, 'b.db')).not.toThrow();
    native.pragma('journal_mode = DELETE');
    expect(() => assertPragmas(native, 'b.db')).toThrow(/WAL/);
    native.close();
  });

  it('migrates once, creates the sweeper indexes, and is idempotent on reopen', async () => {
    const path = join(dir.dir, 'c.db');
    await (await openStore(path)).close();
    const store = await openStore(path);
    const migrations = store.native.prepare('select name from kysely_migration').all();
    expect(migrations).toEqual([{ name: '0001-initial' }, { name: '0002-webhook-outbox' }, { name: '0003-authorize-request' }, { name: '0004-lead-time-policy' }, { name: '0005-operations-indexes' }, { name: '0006-outbox-listing-indexes' }, { name: '0007-open-holds-list-index' }]);
    const indexes = store.native.prepare("select name from sqlite_master where type = 'index' and tbl_name = 'holds'").all().map((r: unknown) => (r as { name: string }).name);
    expect(indexes).toEqual(expect.arrayContaining(['holds_state_act_by', 'holds_next_action_at', 'holds_policy_due_at', 'holds_expires_at', 'holds_order_id', 'holds_gateway_ref']));
    await store.close();
  });

  it('lists open holds soonest first from the open-holds index, without sorting every hold', async () => {
    const store = await openStore(join(dir.dir, 'plan.db'));
    // The statements listHolds runs, captured through a second Kysely on the same connection.
    const statements: { sql: string; parameters: readonly unknown[] }[] = [];
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: store.native }), log: (event) => void statements.push(event.query) });
    await listHolds(db, { group: 'open', leadTimeMs: 86_400_000, actByAtOrBefore: Date.UTC(2026, 0, 1), limit: 101 });
    await listHolds(db, { group: 'open', leadTimeMs: 86_400_000, limit: 101 });
    const plans = statements.map(({ sql, parameters }) => store.native.prepare(`explain query plan ${sql}`).all(...(parameters as unknown[])).map((row) => (row as { detail: string }).detail).join(' / '));
    // The own-actBy and policy branches of both lists: an index search on the open holds, no temp sort of all of them.
    const policy = plans.filter((plan, i) => /"act_by" is null and "expires_at" is not null/.test(statements[i]!.sql));
    expect(policy).toHaveLength(2);
    for (const plan of policy) expect(plan).toMatch(/^SEARCH holds USING INDEX holds_open_list \(act_by=\? AND expires_at[<>]\?/);
    await store.close();
  });

  it('reports a database it cannot open as a typed error', async () => {
    await expect(openStore(join(dir.dir, 'missing-dir', 'x.db'))).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
  });
});

describe('stored snapshots', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async () => h.close());

  async function tamper(sqlText: string, id: string): Promise<void> {
    const native = new BetterSqlite3(h.dbPath);
    native.prepare(sqlText).run(id);
    native.close();
  }

  it('refuses a hold stored by an unknown machine version, and changes nothing', async () => {
    const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
    await tamper('update holds set machine_version = 99 where id = ?', hold.id);
    for (const call of [() => h.hf.get(hold.id), () => h.hf.capture(hold.id), () => h.hf.void(hold.id)]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HoldfastError);
      expect((error as HoldfastError).code).toBe('UNKNOWN_MACHINE_VERSION');
      expect((error as Error).message).toMatch(/version 99.*understands versions up to 4/);
    }
    expect(h.fake.calls.capture + h.fake.calls.void).toBe(0);
  });

  it('upgrades a version 3 snapshot (no replacement links) when it is read', async () => {
    const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
    const native = new BetterSqlite3(h.dbPath);
    const row = native.prepare('select snapshot from holds where id = ?').get(hold.id) as { snapshot: string };
    const v3 = JSON.parse(row.snapshot) as { context: Record<string, unknown> };
    for (const field of ['extendBy', 'replaces', 'replacedBy']) {
      expect(v3.context).toHaveProperty(field);
      delete v3.context[field];
    }
    native.prepare('update holds set snapshot = ?, machine_version = 3 where id = ?').run(JSON.stringify(v3), hold.id);
    native.close();
    const read = await h.hf.get(hold.id);
    expect(read).toMatchObject({ state: 'authorized', replaces: null, replacedBy: null });
    expect((await h.hf.capture(hold.id)).state).toBe('captured');
  });

  it('upgrades a version 1 snapshot (no intent time or deadline on the pending call) when it is read', async () => {
    const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
    const native = new BetterSqlite3(h.dbPath);
    const row = native.prepare('select snapshot from holds where id = ?').get(hold.id) as { snapshot: string };
    const v1 = JSON.parse(row.snapshot) as { context: Record<string, unknown> };
    native.prepare('update holds set snapshot = ?, machine_version = 1 where id = ?').run(JSON.stringify(v1), hold.id);
    native.close();
    const captured = await h.hf.capture(hold.id);
    expect(captured.state).toBe('captured');
    const after = new BetterSqlite3(h.dbPath);
    expect(after.prepare('select machine_version from holds where id = ?').get(hold.id)).toEqual({ machine_version: 4 });
    after.close();
  });

  it('upgrades an in-flight version 1 capture with the hold\'s expiry as its deadline', async () => {
    const { readSnapshot } = await import('../../db/stored-hold.js');
    const context = { currency: 'USD', amount: 500, capturedAmount: 0, captureCount: 0, capabilities: { maxCaptures: 1, overcaptureBps: 0 }, authorizedAt: 1, expiresAt: 9_000, remainderReleased: false, onExpiry: 'void', onExpiryAmount: null, lastError: null,
      pending: { operation: 'capture', idempotencyKey: 'k', amount: 500, final: true, returnTo: 'authorized', unknownAttempts: 1, retryAt: 50 } };
    const upgraded = readSnapshot({ id: 'hold_x', snapshot: JSON.stringify({ value: 'capturing', context }), machine_version: 1, updated_at: 40, created_at: 1 });
    expect(upgraded.context.pending).toMatchObject({ committedAt: 40, deadline: 9_000, unknownAttempts: 1, retryAt: 50 });
  });

  it('refuses a truncated snapshot with a clear error', async () => {
    const hold = await h.hf.authorize({ gateway: 'fake', amount: 500, currency: 'USD', subscriptionId: 's' });
    await tamper('update holds set snapshot = substr(snapshot, 1, 40) where id = ?', hold.id);
    await expect(h.hf.capture(hold.id)).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT' });
    expect(h.fake.calls.capture).toBe(0);
  });

  it('keeps ticket-number-sized references exact as strings', async () => {
    const ref = '987654321098765432'; // > 2^53 as a number
    const hold = await h.hf.track({ gateway: 'fake', gatewayRef: ref, amount: 500, currency: 'USD', authorizedAt: h.clock.now() });
    expect((await h.hf.get(hold.id)).gatewayRef).toBe(ref);
  });
});
