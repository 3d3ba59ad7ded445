// The lead time becomes policy applied when the sweeper looks: holds.act_by now holds only an actBy
// a hold was given of its own (null: expiresAt − the configured lead time, whatever it is now), and
// policy_due_at (= expiresAt while an open hold follows the policy) lets the claim find the holds
// the current lead time makes due, on an index, without rewriting a row when the lead time changes.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** Adds holds.policy_due_at and its index; every existing hold follows the policy from now on. */
export async function up(db: Kysely<Database>): Promise<void> {
  await db.schema.alterTable('holds').addColumn('policy_due_at', 'bigint').execute();
  // Open holds that were due at their actBy are now due at expiresAt − lead (policy) and expire at expiresAt.
  await sql`
    update holds
       set policy_due_at = expires_at, next_action_at = expires_at
     where state in ('authorized', 'partially_captured')
       and next_action_at is not null and expires_at is not null
       and next_action_at = act_by`.execute(db);
  await sql`update holds set act_by = null`.execute(db);
  await db.schema.createIndex('holds_policy_due_at').on('holds').column('policy_due_at').execute();
  await db.schema.createIndex('holds_expires_at').on('holds').column('expires_at').execute();
  await db.schema.createIndex('holds_own_act_by').on('holds').column('act_by').execute();
}

/** Drops what `up` added; own actBy values stay (policy holds get no actBy back). */
export async function down(db: Kysely<Database>): Promise<void> {
  await db.schema.dropIndex('holds_own_act_by').execute();
  await db.schema.dropIndex('holds_expires_at').execute();
  await db.schema.dropIndex('holds_policy_due_at').execute();
  await db.schema.alterTable('holds').dropColumn('policy_due_at').execute();
}
