// The storage engines the dialect-parameterised suites run on. SQLite always; PostgreSQL when
// HOLDFAST_TEST_PG_URL points at a server (`.ci/postgres.sh start` prints one). CI sets
// HOLDFAST_REQUIRE_PG=1, so there a missing server fails the run instead of skipping.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { tempDir } from './temp-dir.js';

export type DialectName = 'sqlite' | 'postgres';

/** A fresh, empty database of one dialect and how to throw it away. */
export interface TestDatabase {
  database: string;
  drop(): Promise<void>;
}

export interface Dialect {
  name: DialectName;
  /** Why the suite is skipped, or null when it runs. */
  skipReason: string | null;
  create(): Promise<TestDatabase>;
}

const PG_URL = process.env.HOLDFAST_TEST_PG_URL || undefined;
if (!PG_URL && process.env.HOLDFAST_REQUIRE_PG === '1') {
  throw new Error('HOLDFAST_REQUIRE_PG=1 but HOLDFAST_TEST_PG_URL is not set: the PostgreSQL suites must not be skipped here');
}

const sqlite: Dialect = {
  name: 'sqlite',
  skipReason: null,
  async create() {
    const { dir, cleanup } = tempDir();
    return { database: join(dir, 'holdfast.db'), drop: async () => cleanup() };
  },
};

const postgres: Dialect = {
  name: 'postgres',
  skipReason: PG_URL ? null : 'HOLDFAST_TEST_PG_URL is not set (start a server with `.ci/postgres.sh start`)',
  async create() {
    const name = `holdfast_test_${randomBytes(6).toString('hex')}`;
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(PG_URL!);
    url.pathname = `/${name}`;
    return { database: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  },
};

// One admin connection per test process, reused: a fresh connection per CREATE/DROP DATABASE cost
// more than the statement itself (~70 ms of backend start-up each). allowExitOnIdle lets the
// process end with the connection still open; the idle timeout closes it between bursts.
let adminPool: pg.Pool | undefined;

async function admin(statement: string): Promise<void> {
  adminPool ??= new pg.Pool({ connectionString: PG_URL, max: 1, idleTimeoutMillis: 1_000, allowExitOnIdle: true });
  await adminPool.query(statement);
}

/** Every dialect, PostgreSQL included (skipped with a reason when no server is configured). */
export const DIALECTS: readonly Dialect[] = [sqlite, postgres];

if (postgres.skipReason) {
  process.stderr.write(`note: PostgreSQL suites skipped: ${postgres.skipReason}\n`);
}
