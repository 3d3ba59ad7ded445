// An index for listing open holds soonest-actBy first (`holdfast list --open`, `--expiring-within`,
// the operations page). Without it SQLite answered the policy branch of listHolds through the
// act_by index (act_by = NULL is every policy hold, open or closed) and sorted all of them: 75 ms
// cold on 20 000 holds, growing with the table. Partial on the open states, so closed holds (the
// bulk of an old database) are not in it; listHolds repeats the predicate word for word (SQLite
// uses a partial index only when the query contains its WHERE term), with the states as literals,
// not parameters.
import { type Kysely, sql } from 'kysely';

/** The states of the index's predicate: every open state, and partially_captured (open while its remainder is held). */
export const OPEN_LIST_STATES = ['authorizing', 'authorized', 'capturing', 'voiding', 'extending', 'needs_attention', 'partially_captured'] as const;

/** The predicate, as the index has it and as a query must repeat it. */
export function openListPredicate() {
  return sql<boolean>`${sql.ref('state')} in (${sql.join(OPEN_LIST_STATES.map((state) => sql.lit(state)))})`;
}

/** Indexes open holds by (act_by, expires_at, id). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('holds_open_list').on('holds').columns(['act_by', 'expires_at', 'id']).where(openListPredicate()).execute();
}

/** Drops what `up` created. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('holds_open_list').execute();
}
