// PostgreSQL behind the same Store: Kysely's PostgresDialect over a pg pool. Dialect-specific
// details (type parsing, transactions, the durability check) stay in this file.
import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.js';
import { migrateToLatest, requireCurrentSchema } from './migrate.js';
import { StorageError } from '../machines/errors.js';
import { compiled, type WriteStep } from './write-step.js';
import { redactUrl, redactUrlsInText } from './redact-url.js';

/** An open PostgreSQL store. */
export interface PostgresStore {
  db: Kysely<Database>;
  dialect: 'postgres';
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;

// bigint columns (money, epoch ms) arrive as exact JS integers; a value beyond 2^53 is refused
// rather than rounded.
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new StorageError('UNSAFE_INTEGER', `database value ${text} exceeds the exact integer range`);
  return value;
}

// sum() over bigint is numeric: integral here, and parsed with the same check.
function parseNumeric(text: string): number {
  return /^-?\d+$/.test(text) ? parseInt8(text) : Number(text);
}

function typesFor(driver: typeof pg): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8) return parseInt8;
      if (oid === NUMERIC) return parseNumeric;
      return driver.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/** True when `target` is a PostgreSQL connection URL rather than a file path. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

/** Masks every password in a connection URL for messages (the rules live in src/redact-url.ts). */
export { redactUrl };

/**
 * The test-only opt-in for a server running with `fsync = off` (the throwaway CI cluster in
 * .ci/postgres.sh runs so for speed). Never set it in production: such a server can lose or
 * corrupt committed transactions on a crash or power loss.
 */
export const ALLOW_UNSAFE_FSYNC_ENV = 'HOLDFAST_ALLOW_UNSAFE_FSYNC';

/** Whether `env` opts in to a server with fsync off: only the exact value `1` does. */
export function allowUnsafeFsyncFrom(env: NodeJS.ProcessEnv): boolean {
  return env[ALLOW_UNSAFE_FSYNC_ENV] === '1';
}

/** How to open a PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number | undefined;
  /** Run migrations on open (default true). */
  migrate?: boolean | undefined;
  /** Accept a server with fsync off (default: HOLDFAST_ALLOW_UNSAFE_FSYNC=1 in the environment). Tests only. */
  allowUnsafeFsync?: boolean | undefined;
}

/**
 * Opens a pool (default 10 connections, 10 s connect timeout), checks that commits are durable
 * (neither synchronous_commit nor fsync is off) and migrates. Migrations take Kysely's advisory lock,
 * so several processes may open the same database at once. No message carries the URL's password.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const allowUnsafeFsync = options.allowUnsafeFsync ?? allowUnsafeFsyncFrom(process.env);
  // Loaded only for PostgreSQL, so a SQLite-only process never pays for the driver.
  const driver = (await import('pg')).default;
  const pool = new driver.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    types: typesFor(driver),
  });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    if (rows[0]?.synchronous_commit === 'off') {
      throw new StorageError(
        'UNSAFE_DATABASE_SETTINGS',
        `database ${redactUrl(url)} runs with synchronous_commit=off; a committed capture could be lost on a crash`,
      );
    }
    const fsync = await pool.query<{ fsync: string }>('SHOW fsync');
    if (fsync.rows[0]?.fsync === 'off' && !allowUnsafeFsync) {
      throw new StorageError(
        'UNSAFE_DATABASE_SETTINGS',
        `database ${redactUrl(url)} runs with fsync=off; a crash or power loss could lose or corrupt committed captures. ` +
          `Run the server with fsync=on (${ALLOW_UNSAFE_FSYNC_ENV}=1 accepts it, for a throwaway test server only)`,
      );
    }
    if (options.migrate ?? true) await migrateToLatest(db);
    else await requireCurrentSchema(db, redactUrl(url));
  } catch (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof StorageError) throw error;
    // A driver message may quote the URL (an unparseable one, say): scrub it as well.
    throw new StorageError('DATABASE_UNAVAILABLE', `cannot use database ${redactUrl(url)}: ${redactUrlsInText((error as Error).message)}`);
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

const ABANDONED = Symbol('abandoned');

/** writeAtomically on PostgreSQL: one transaction; a guarded step that changed no row rolls it back. */
export async function writePostgresAtomically(store: PostgresStore, steps: readonly WriteStep[]): Promise<boolean> {
  try {
    await store.db.transaction().execute(async (trx) => {
      for (const step of steps) {
        const result = await trx.executeQuery(compiled(step.query));
        if (step.guard && Number(result.numAffectedRows ?? 0n) !== 1) throw ABANDONED;
      }
    });
    return true;
  } catch (error) {
    if (error === ABANDONED) return false;
    throw error;
  }
}
