// Two small partial indexes for the operations page's read model (db/operations.repository.ts).
// Partial, so that the sweeper's hot writes never touch them: a hold enters the first only when it
// expires, an exchange enters the second only when a capture is declined.
import { type Kysely, sql } from 'kysely';

/** Indexes expired holds by when they ended, and declined capture exchanges by hold. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('holds_expired_updated_at').on('holds').columns(['state', 'updated_at']).where(sql.ref('state'), '=', sql.lit('expired')).execute();
  await db.schema
    .createIndex('gateway_exchanges_declined_capture')
    .on('gateway_exchanges')
    .column('hold_id')
    .where((eb) => eb.and([eb(sql.ref('operation'), '=', sql.lit('capture')), eb(sql.ref('outcome'), '=', sql.lit('declined'))]))
    .execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('gateway_exchanges_declined_capture').execute();
  await db.schema.dropIndex('holds_expired_updated_at').execute();
}
