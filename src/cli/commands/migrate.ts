// `holdfast migrate`: create the database and apply every migration.
import { openStore } from '../../../db/connection.js';
import { appliedMigrations } from '../../../db/migrate.js';
import { redactUrl } from '../../../db/postgres.js';

export interface MigrateResult {
  database: string;
  schema: string;
}

/** Opens (creating if needed) and migrates the database; reports the latest applied migration. */
export async function migrateCommand(options: { db: string }): Promise<MigrateResult> {
  const store = await openStore(options.db);
  try {
    return { database: redactUrl(options.db), schema: (await appliedMigrations(store.db)).at(-1) ?? 'none' };
  } finally {
    await store.close();
  }
}
