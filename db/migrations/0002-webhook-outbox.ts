// Webhook outbox: events written in the same transaction as the transition that caused them, and
// the columns that decide the expiring-soon warning.
import type { Kysely } from 'kysely';

/** Creates webhook_outbox and adds the expiring-soon bookkeeping to holds. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hold_id', 'text', (c) => c.notNull().references('holds.id'))
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').columns(['delivered_at', 'next_attempt_at']).execute();
  // Whether the order system said what to do at actBy (the default plan was not chosen by anyone).
  await db.schema.alterTable('holds').addColumn('on_expiry_explicit', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('holds').addColumn('expiry_warned_at', 'bigint').execute();
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('holds').dropColumn('expiry_warned_at').execute();
  await db.schema.alterTable('holds').dropColumn('on_expiry_explicit').execute();
  await db.schema.dropTable('webhook_outbox').execute();
}
