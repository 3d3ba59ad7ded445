// `holdfast migrate`: create the database and apply every migration.
import { openStore } from '../../../db/connection.js';

export interface MigrateResult {
  database: string;
  schema: string;
}

/** Opens (creating if needed) and migrates the database; reports the latest applied migration. */
export async function migrateCommand(options: { db: string }): Promise<MigrateResult> {
  const store = await openStore(options.db);
  try {
    const rows = store.native.prepare('select name from kysely_migration order by name').all() as { name: string }[];
    return { database: options.db, schema: rows.at(-1)?.name ?? 'none' };
  } finally {
    await store.close();
  }
}
