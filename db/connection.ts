// Opens the database: a SQLite file through better-sqlite3 (the embedded default) or a PostgreSQL
// URL (db/postgres.ts), with the durability settings holdfast relies on, migrated on open.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { withStatementCache } from './statement-cache.js';
import { compiled, type WriteStep } from './write-step.js';

export { compiled, type WriteStep };
import type { Database } from './schema.js';
import { migrateToLatest, requireCurrentSchema } from './migrate.js';
import { existsSync } from 'node:fs';
import { StorageError } from '../machines/errors.js';
import { isPostgresUrl, openPostgresStore, type PostgresStore, writePostgresAtomically } from './postgres.js';
import { groupCommit } from './sqlite-group-commit.js';

/** An open SQLite store. */
export interface SqliteStore {
  db: Kysely<Database>;
  dialect: 'sqlite';
  /** The native handle, for statements that must run as one synchronous unit (see writeAtomically). */
  native: BetterSqlite3.Database;
  close(): Promise<void>;
}

/** An open store: the Kysely instance and which engine is behind it. */
export type Store = SqliteStore | PostgresStore;

export interface OpenStoreOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
  /** Run migrations on open (default true); false: the schema must already be current (SCHEMA_NOT_CURRENT otherwise). */
  migrate?: boolean;
  /** Create a SQLite file that does not exist (default true); false: DATABASE_NOT_FOUND. */
  create?: boolean;
  /** PostgreSQL: connections in the pool (default 10). */
  poolSize?: number;
  /** PostgreSQL: accept a server with fsync off (default: HOLDFAST_ALLOW_UNSAFE_FSYNC=1). Tests only. */
  allowUnsafeFsync?: boolean;
}

/** Opens a SQLite file path or a `postgres://` URL. */
export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<Store> {
  return isPostgresUrl(target) ? openPostgresStore(target, options) : openSqliteStore(target, options);
}

/**
 * Opens (creating if needed) a SQLite file with WAL, synchronous=FULL, a busy timeout and foreign
 * keys, verifies that each setting took, and migrates it. better-sqlite3 leaves WAL at
 * synchronous=NORMAL, which can lose a committed capture on power loss, hence the check.
 */
export async function openSqliteStore(path: string, options: OpenStoreOptions = {}): Promise<SqliteStore> {
  let native: BetterSqlite3.Database;
  const create = options.create ?? true;
  try {
    native = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 10_000, fileMustExist: !create && path !== ':memory:' });
  } catch (error) {
    if (!create && (error as { code?: string }).code === 'SQLITE_CANTOPEN' && !existsSync(path)) {
      throw new StorageError('DATABASE_NOT_FOUND', `no database at ${path}: check --db (or HOLDFAST_DB), or create one with \`holdfast migrate\``);
    }
    throw new StorageError('DATABASE_UNAVAILABLE', `cannot open database ${path}: ${(error as Error).message}`);
  }
  try {
    native.pragma('journal_mode = WAL');
    native.pragma('synchronous = FULL');
    native.pragma('foreign_keys = ON');
    assertPragmas(native, path);
  } catch (error) {
    native.close();
    throw error instanceof StorageError
      ? error
      : new StorageError('DATABASE_UNAVAILABLE', `cannot use database ${path}: ${(error as Error).message}`);
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(native) }) });
  const store: SqliteStore = { db, dialect: 'sqlite', native, close: () => db.destroy() };
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
    else await requireCurrentSchema(db, path);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return store;
}

/** Throws StorageError unless the connection runs with the settings holdfast's guarantees need. */
export function assertPragmas(native: BetterSqlite3.Database, path: string): void {
  const journal = String(native.pragma('journal_mode', { simple: true })).toLowerCase();
  const synchronous = Number(native.pragma('synchronous', { simple: true }));
  const foreignKeys = Number(native.pragma('foreign_keys', { simple: true }));
  const busy = Number(native.pragma('busy_timeout', { simple: true }));
  // An in-memory database cannot use WAL; it is only ever used for throwaway runs.
  if (journal !== 'wal' && !(path === ':memory:' && journal === 'memory')) {
    throw new StorageError('UNSAFE_DATABASE_SETTINGS', `database ${path} is not in WAL mode (journal_mode=${journal})`);
  }
  if (synchronous !== 2) {
    throw new StorageError(
      'UNSAFE_DATABASE_SETTINGS',
      `database ${path} runs with synchronous=${synchronous}; holdfast needs FULL (2) so a committed capture survives power loss`,
    );
  }
  if (foreignKeys !== 1) throw new StorageError('UNSAFE_DATABASE_SETTINGS', `database ${path} has foreign keys off`);
  if (!(busy > 0)) throw new StorageError('UNSAFE_DATABASE_SETTINGS', `database ${path} has no busy timeout`);
}

/**
 * Runs the steps as one atomic write and returns false (having changed nothing) when a guarded step
 * did not change exactly one row. On SQLite, writes that arrive together share one synchronous
 * BEGIN IMMEDIATE transaction (group commit, db/sqlite-group-commit.ts): the write lock is never held
 * across an await, so several holdfast instances in one process cannot deadlock on better-sqlite3's
 * blocking busy wait, and a deferred BEGIN can never fail with SQLITE_BUSY on its upgrade to a write.
 */
export async function writeAtomically(store: Store, steps: readonly WriteStep[]): Promise<boolean> {
  if (store.dialect === 'postgres') return writePostgresAtomically(store, steps);
  return groupCommit(
    store.native,
    steps.map((step) => ({ query: compiled(step.query), guard: step.guard ?? false })),
  );
}
