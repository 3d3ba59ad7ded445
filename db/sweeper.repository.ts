// The sweeper's queries: claiming due holds under a lease, and looking at them without claiming.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import { type HoldRow, type StoredHold, storedHold } from './stored-hold.js';
import { prepare } from './prepared.js';

type Db = Kysely<Database>;

export interface ClaimOptions {
  owner: string;
  now: number;
  leaseMs: number;
  limit: number;
  /**
   * PostgreSQL: lock the chosen rows with FOR UPDATE SKIP LOCKED, so that concurrent claims pick
   * disjoint holds instead of queueing on the same ones. (SQLite serialises writers anyway.)
   */
  skipLocked?: boolean;
}

type ClaimSlot = 'owner' | 'now' | 'leaseExpiresAt' | 'limit';

function claimStatement(skipLocked: boolean) {
  return prepare<ClaimSlot>((db, slot) => {
    const candidates = db
      .selectFrom('holds')
      .select('id')
      .where('next_action_at', '<=', slot('now'))
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', slot('now'))]))
      .orderBy('next_action_at')
      .limit(slot('limit'));
    const due = skipLocked ? candidates.forUpdate().skipLocked() : candidates;
    return db
      .updateTable('holds')
      .set({ lease_owner: slot('owner'), lease_expires_at: slot('leaseExpiresAt'), lease_epoch: sql<number>`lease_epoch + 1` })
      .where('id', 'in', due)
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', slot('now'))]))
      .returningAll();
  });
}
const claimPlain = claimStatement(false);
const claimSkipLocked = claimStatement(true);

/**
 * Claims up to `limit` due holds (next_action_at ≤ now) that nobody holds a live lease on, in one
 * atomic statement: sets the lease owner and expiry and bumps the fencing epoch. Every later write
 * by this sweeper checks that epoch, so a sweeper whose lease was taken over cannot overwrite.
 */
export async function claimDueHolds(db: Db, options: ClaimOptions): Promise<ClaimedHold[]> {
  const statement = (options.skipLocked ? claimSkipLocked : claimPlain)(db);
  const query = statement.bind({ owner: options.owner, now: options.now, leaseExpiresAt: options.now + options.leaseMs, limit: options.limit });
  const { rows } = await db.executeQuery<HoldRow>(query);
  return rows.map(readClaimed);
}

/** A claimed hold, or the row of one whose snapshot cannot be read (reported per hold, never failing the batch). */
export type ClaimedHold =
  | { ok: true; hold: StoredHold }
  | { ok: false; row: HoldRow; error: Error };

function readClaimed(row: HoldRow): ClaimedHold {
  try {
    return { ok: true, hold: storedHold(row) };
  } catch (error) {
    return { ok: false, row, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** Due holds that a sweep would claim now, without claiming them (for --dry-run). */
export async function findDueHolds(db: Db, now: number, limit: number): Promise<ClaimedHold[]> {
  const rows = await db
    .selectFrom('holds')
    .selectAll()
    .where('next_action_at', '<=', now)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
    .orderBy('next_action_at')
    .limit(limit)
    .execute();
  return rows.map(readClaimed);
}

/** The earliest next_action_at of any hold, or null when nothing will ever be due. */
export async function nextDueAt(db: Db): Promise<number | null> {
  const row = await db.selectFrom('holds').select((eb) => eb.fn.min('next_action_at').as('at')).executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** The statement giving a lease back without other changes, if this sweeper still holds it. */
export function releaseLease(db: Db, id: string, owner: string, epoch: number) {
  return db
    .updateTable('holds')
    .set({ lease_owner: null, lease_expires_at: null })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('lease_epoch', '=', epoch);
}
