// Every row of every holdfast table, read through a separate read-only connection: the "changes
// nothing" half of the bad-input suite compares two dumps.
import BetterSqlite3 from 'better-sqlite3';

const TABLES = ['holds', 'hold_transitions', 'gateway_exchanges', 'webhook_outbox'] as const;

/** A canonical JSON dump of all holdfast rows in the SQLite file at `path`. */
export function dumpDatabase(path: string): string {
  const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    return JSON.stringify(TABLES.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()));
  } finally {
    db.close();
  }
}

/** Runs a raw statement against the file (to plant a damaged row the way a bad migration or disk would). */
export function tamper(path: string, sql: string, ...params: unknown[]): void {
  const db = new BetterSqlite3(path);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}
