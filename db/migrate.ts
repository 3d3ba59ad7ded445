// Runs the numbered migrations with Kysely's Migrator. Migrations are imported statically so the
// same list works from source (tsx, vitest) and from the compiled build.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import * as initial from './migrations/0001-initial.js';
import * as webhookOutbox from './migrations/0002-webhook-outbox.js';
import * as authorizeRequest from './migrations/0003-authorize-request.js';
import * as leadTimePolicy from './migrations/0004-lead-time-policy.js';
import * as operationsIndexes from './migrations/0005-operations-indexes.js';
import * as outboxListingIndexes from './migrations/0006-outbox-listing-indexes.js';
import * as openHoldsListIndex from './migrations/0007-open-holds-list-index.js';
import { StorageError } from '../machines/errors.js';
import type { Database } from './schema.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-webhook-outbox': webhookOutbox,
  '0003-authorize-request': authorizeRequest,
  '0004-lead-time-policy': leadTimePolicy,
  '0005-operations-indexes': operationsIndexes,
  '0006-outbox-listing-indexes': outboxListingIndexes,
  '0007-open-holds-list-index': openHoldsListIndex,
};

/** The name of the newest migration: the schema a migrated database reports. */
export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!;

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Brings the schema to the latest migration; throws StorageError naming the migration that failed. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new StorageError(
      'MIGRATION_FAILED',
      `database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** The names of the migrations applied to this database, oldest first. */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((r) => r.name);
}

/**
 * Throws unless every migration is applied — for commands that only read and must not create or
 * change tables (a mistyped database is reported, not silently initialised).
 */
export async function requireCurrentSchema(db: Kysely<Database>, where: string): Promise<void> {
  let applied: string[];
  try {
    applied = await appliedMigrations(db);
  } catch {
    throw new StorageError('DATABASE_NOT_INITIALIZED', `${where} has no holdfast tables: check --db (or HOLDFAST_DB), or create them with \`holdfast migrate\``);
  }
  const missing = Object.keys(MIGRATIONS).filter((name) => !applied.includes(name));
  if (missing.length > 0) {
    throw new StorageError('SCHEMA_NOT_CURRENT', `${where} needs migrations ${missing.join(', ')}: run \`holdfast migrate\` first`);
  }
}
