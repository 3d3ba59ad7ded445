// SQLite group commit: writes arriving together share one transaction, yet each succeeds, is
// refused by its guard, or fails on its own, and nothing of a refused or failed write remains.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { openSqliteStore, writeAtomically, type SqliteStore } from '../../db/connection.js';
import { tempDir } from '../helpers/temp-dir.js';

let dir: ReturnType<typeof tempDir>;
let store: SqliteStore;
beforeEach(async () => {
  dir = tempDir();
  store = await openSqliteStore(join(dir.dir, 'g.db'));
  store.native.exec('create table t (id integer primary key, v integer not null)');
  store.native.exec('insert into t (id, v) values (1, 0), (2, 0), (3, 0)');
});
afterEach(async () => {
  await store.close();
  dir.cleanup();
});

const db = () => store.db as unknown as import('kysely').Kysely<{ t: { id: number; v: number } }>;
const bump = (id: number, from: number) => ({ query: db().updateTable('t').set({ v: from + 1 }).where('id', '=', id).where('v', '=', from), guard: true });
const insert = (id: number) => ({ query: db().insertInto('t').values({ id, v: 9 }) });

describe('group commit', () => {
  it('isolates each write of a batch: success, failed guard, and error', async () => {
    const results = await Promise.allSettled([
      writeAtomically(store, [bump(1, 0), insert(10)]), // succeeds
      writeAtomically(store, [bump(2, 5), insert(11)]), // guard fails: v is 0, not 5
      writeAtomically(store, [bump(3, 0), insert(1)]), // errors: duplicate primary key
      writeAtomically(store, [bump(1, 1)]), // sees the first write of the same batch
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'error'))).toEqual([true, false, 'error', true]);
    const rows = store.native.prepare('select id, v from t order by id').all();
    expect(rows).toEqual([{ id: 1, v: 2 }, { id: 2, v: 0 }, { id: 3, v: 0 }, { id: 10, v: 9 }]);
  });
});
