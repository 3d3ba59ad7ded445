// better-sqlite3 has no statement cache and Kysely's SQLite driver prepares every query anew: each
// read paid SQLite's parse and plan again (~5 % of a lifecycle profile). Statements are prepared
// once per SQL text and connection; the number of distinct texts is bounded (IN-lists of varying
// length make new texts), past which statements are prepared per use as before. No query is
// streamed (iterate), so a cached statement is never busy when it is reused.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_CACHED = 500;
const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** The prepared statement for `sql` on `native`, prepared once. */
export function cachedStatement(native: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let cache = caches.get(native);
  if (!cache) caches.set(native, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) {
    prepared = native.prepare(sql);
    if (cache.size < MAX_CACHED) cache.set(sql, prepared);
  }
  return prepared;
}

/** `native` as Kysely's SqliteDialect sees it, with prepared statements reused. */
export function withStatementCache(native: BetterSqlite3.Database): SqliteDatabase {
  return { close: () => native.close(), prepare: (sql: string) => cachedStatement(native, sql) };
}
