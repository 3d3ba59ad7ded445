// What an authorization needs to be sent again byte for byte under its idempotency key after an
// unknown outcome (subscription, order and metadata; never card data).
import type { Kysely } from 'kysely';

/** Adds holds.authorize_request (JSON, null for tracked holds). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('holds').addColumn('authorize_request', 'text').execute();
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('holds').dropColumn('authorize_request').execute();
}
