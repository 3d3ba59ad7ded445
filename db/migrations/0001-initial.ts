// The first schema: holds, their append-only transition journal and the gateway exchange log.
import { type Kysely, sql } from 'kysely';

/** Creates the holds, hold_transitions and gateway_exchanges tables and the sweeper's indexes. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text')
    .addColumn('gateway', 'text', (c) => c.notNull())
    .addColumn('gateway_ref', 'text')
    .addColumn('subscription_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('captured_amount', 'bigint', (c) => c.notNull())
    .addColumn('card_type', 'text', (c) => c.notNull())
    .addColumn('masked_card', 'text')
    .addColumn('authorized_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addColumn('act_by', 'bigint')
    .addColumn('on_expiry', 'text', (c) => c.notNull())
    .addColumn('on_expiry_amount', 'bigint')
    .addColumn('idempotency_key', 'text', (c) => c.unique())
    .addColumn('request_hash', 'text')
    .addColumn('next_action_at', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('lease_epoch', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('holds_amounts_non_negative', sql`amount >= 0 and captured_amount >= 0`)
    .execute();
  await db.schema.createIndex('holds_state_act_by').on('holds').columns(['state', 'act_by']).execute();
  await db.schema.createIndex('holds_next_action_at').on('holds').column('next_action_at').execute();
  await db.schema.createIndex('holds_order_id').on('holds').column('order_id').execute();
  await db.schema.createIndex('holds_gateway_ref').on('holds').columns(['gateway', 'gateway_ref']).unique().execute();

  await db.schema
    .createTable('hold_transitions')
    .addColumn('hold_id', 'text', (c) => c.notNull().references('holds.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('hold_transitions_pk', ['hold_id', 'seq'])
    .execute();

  await db.schema
    .createTable('gateway_exchanges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('hold_id', 'text', (c) => c.notNull().references('holds.id'))
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('gateway_code', 'text')
    .addColumn('message', 'text')
    .addColumn('request', 'text')
    .addColumn('response', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gateway_exchanges_hold').on('gateway_exchanges').columns(['hold_id', 'at']).execute();
}

/** Drops everything `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('gateway_exchanges').execute();
  await db.schema.dropTable('hold_transitions').execute();
  await db.schema.dropTable('holds').execute();
}
