// `holdfast migrate`: create the database and apply every migration.
import { openStore } from '../../../db/connection.js';
import { appliedMigrations } from '../../../db/migrate.js';
import { redactUrl } from '../../../db/postgres.js';
import { resolveConfig } from '../../config/resolve-config.js';

export interface MigrateResult {
  database: string;
  schema: string;
}

/** Opens (creating if needed) and migrates the database from --db or the configuration; reports the latest applied migration. */
export async function migrateCommand(options: { db?: string | undefined; env?: NodeJS.ProcessEnv }): Promise<MigrateResult> {
  const database = (await resolveConfig({ env: options.env ?? process.env, options: { database: options.db } })).database.value;
  const store = await openStore(database);
  try {
    return { database: redactUrl(database), schema: (await appliedMigrations(store.db)).at(-1) ?? 'none' };
  } finally {
    await store.close();
  }
}
