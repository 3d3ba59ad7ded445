// Group commit for SQLite. With synchronous=FULL every COMMIT waits for an fsync, which caps a
// process at a few hundred transactions a second. Writes that arrive together (the sweeper's
// concurrent holds, concurrent API calls) are queued and committed in one BEGIN IMMEDIATE
// transaction on the next turn of the event loop, each inside its own savepoint: a write whose guard
// fails, or that errors, is rolled back alone, and every caller learns its own result only after the
// shared COMMIT is durable. The transaction still runs synchronously, so no lock is held across an
// await.
import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import { cachedStatement } from './statement-cache.js';

/** One statement of a queued write; a guarded one must change exactly one row. */
export interface CompiledStep {
  query: CompiledQuery;
  guard: boolean;
}

interface QueuedWrite {
  steps: readonly CompiledStep[];
  resolve: (written: boolean) => void;
  reject: (error: unknown) => void;
}

const GUARD_FAILED = Symbol('guard failed');
const queues = new WeakMap<BetterSqlite3.Database, QueuedWrite[]>();

/** Queues `steps` as one atomic write; resolves false when a guard failed (nothing of it was written). */
export function groupCommit(native: BetterSqlite3.Database, steps: readonly CompiledStep[]): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(native);
    if (!queue) queues.set(native, (queue = []));
    queue.push({ steps, resolve, reject });
    if (queue.length === 1) setImmediate(() => flush(native));
  });
}

function flush(native: BetterSqlite3.Database): void {
  const batch = queues.get(native)?.splice(0) ?? [];
  if (batch.length === 0) return;
  const outcomes: (boolean | { error: unknown })[] = [];
  try {
    native
      .transaction(() => {
        // A write alone needs no savepoint: its failure rolls back the transaction it is alone in.
        if (batch.length === 1) outcomes.push(runAlone(native, batch[0]!.steps));
        else for (const write of batch) outcomes.push(runInSavepoint(native, write.steps));
      })
      .immediate();
  } catch (error) {
    if (error === GUARD_FAILED) {
      batch[0]!.resolve(false);
      return;
    }
    // BEGIN IMMEDIATE or COMMIT itself failed (busy past the timeout, disk full): nothing was written.
    for (const write of batch) write.reject(error);
    return;
  }
  batch.forEach((write, i) => {
    const outcome = outcomes[i];
    if (typeof outcome === 'boolean') write.resolve(outcome);
    else write.reject(outcome?.error);
  });
}

// Throws (rolling the transaction back) when a guard fails or a statement errors.
function runAlone(native: BetterSqlite3.Database, steps: readonly CompiledStep[]): true {
  for (const { query, guard } of steps) {
    const info = cachedStatement(native, query.sql).run(...(query.parameters as unknown[]));
    if (guard && info.changes !== 1) throw GUARD_FAILED;
  }
  return true;
}

function runInSavepoint(native: BetterSqlite3.Database, steps: readonly CompiledStep[]): boolean | { error: unknown } {
  cachedStatement(native, 'SAVEPOINT holdfast_write').run();
  try {
    for (const { query, guard } of steps) {
      const info = cachedStatement(native, query.sql).run(...(query.parameters as unknown[]));
      if (guard && info.changes !== 1) throw GUARD_FAILED;
    }
    cachedStatement(native, 'RELEASE holdfast_write').run();
    return true;
  } catch (error) {
    cachedStatement(native, 'ROLLBACK TO holdfast_write').run();
    cachedStatement(native, 'RELEASE holdfast_write').run();
    return error === GUARD_FAILED ? false : { error };
  }
}
