// The sweeper's queries: claiming due holds under a lease, and looking at them without claiming.
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';
import type { HoldRow } from './hold-mapper.js';

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

/**
 * Claims up to `limit` due holds (next_action_at ≤ now) that nobody holds a live lease on, in one
 * atomic statement: sets the lease owner and expiry and bumps the fencing epoch. Every later write
 * by this sweeper checks that epoch, so a sweeper whose lease was taken over cannot overwrite.
 */
export async function claimDueHolds(db: Db, options: ClaimOptions): Promise<HoldRow[]> {
  const { owner, now, leaseMs, limit } = options;
  const candidates = db
    .selectFrom('holds')
    .select('id')
    .where('next_action_at', '<=', now)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
    .orderBy('next_action_at')
    .limit(limit);
  const due = options.skipLocked ? candidates.forUpdate().skipLocked() : candidates;
  return db
    .updateTable('holds')
    .set({ lease_owner: owner, lease_expires_at: now + leaseMs, lease_epoch: sql<number>`lease_epoch + 1` })
    .where('id', 'in', due)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
    .returningAll()
    .execute();
}

/** Due holds that a sweep would claim now, without claiming them (for --dry-run). */
export async function findDueHolds(db: Db, now: number, limit: number): Promise<HoldRow[]> {
  return db
    .selectFrom('holds')
    .selectAll()
    .where('next_action_at', '<=', now)
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
    .orderBy('next_action_at')
    .limit(limit)
    .execute();
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
