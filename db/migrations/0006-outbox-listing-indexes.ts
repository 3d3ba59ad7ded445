// Indexes for reading the webhook outbox as an operator does (`holdfast events list`): newest first,
// and one hold's events. Without them both sort the whole outbox (about 0.5–0.8 s at 300 000 rows).
// Pruning and the delivery claim use webhook_outbox_due (0002).
import type { Kysely } from 'kysely';

/** Indexes outbox events by hold and time, and by time. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('webhook_outbox_hold').on('webhook_outbox').columns(['hold_id', 'created_at']).execute();
  await db.schema.createIndex('webhook_outbox_created_at').on('webhook_outbox').column('created_at').execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('webhook_outbox_created_at').execute();
  await db.schema.dropIndex('webhook_outbox_hold').execute();
}
