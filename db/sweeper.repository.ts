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
  /** The lead time: open holds that follow the policy are due once expiresAt ≤ now + lead time. */
  leadTimeMs: number;
  limit: number;
  /**
   * PostgreSQL: lock the chosen rows with FOR UPDATE SKIP LOCKED, so that concurrent claims pick
   * disjoint holds instead of queueing on the same ones. (SQLite serialises writers anyway.)
   */
  skipLocked?: boolean;
}

type ClaimSlot = 'owner' | 'now' | 'due' | 'leaseExpiresAt' | 'limit';

// Claims holds whose `column` is at or before `due`: next_action_at against now, policy_due_at
// against now + lead time. The lease check is against now in both.
function claimStatement(column: 'next_action_at' | 'policy_due_at', skipLocked: boolean) {
  return prepare<ClaimSlot>((db, slot) => {
    const candidates = db
      .selectFrom('holds')
      .select('id')
      .where(column, '<=', slot('due'))
      .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', slot('now'))]))
      .orderBy(column)
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
const claims = {
  next: { plain: claimStatement('next_action_at', false), skipLocked: claimStatement('next_action_at', true) },
  policy: { plain: claimStatement('policy_due_at', false), skipLocked: claimStatement('policy_due_at', true) },
};

/**
 * Claims up to `limit` due holds that nobody holds a live lease on — those whose next action is due
 * now, then those the lead time makes due (expiresAt ≤ now + lead) — each with one atomic statement
 * that sets the lease owner and expiry and bumps the fencing epoch. Every later write by this
 * sweeper checks that epoch, so a sweeper whose lease was taken over cannot overwrite.
 */
export async function claimDueHolds(db: Db, options: ClaimOptions): Promise<ClaimedHold[]> {
  const variant = options.skipLocked ? 'skipLocked' : 'plain';
  const leaseExpiresAt = options.now + options.leaseMs;
  const run = async (statement: (typeof claims)['next'], due: number, limit: number) => {
    const query = statement[variant](db).bind({ owner: options.owner, now: options.now, due, leaseExpiresAt, limit });
    return (await db.executeQuery<HoldRow>(query)).rows;
  };
  const rows = await run(claims.next, options.now, options.limit);
  if (rows.length < options.limit) rows.push(...(await run(claims.policy, options.now + options.leadTimeMs, options.limit - rows.length)));
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
export async function findDueHolds(db: Db, now: number, leadTimeMs: number, limit: number): Promise<ClaimedHold[]> {
  const rows = await db
    .selectFrom('holds')
    .selectAll()
    .where((eb) => eb.or([eb('next_action_at', '<=', now), eb('policy_due_at', '<=', now + leadTimeMs)]))
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<=', now)]))
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map(readClaimed);
}

/**
 * How many holds are due now, leased or not (for the sweep's log line: due against claimed). Two
 * range counts on their own indexes; a hold due on both columns is counted once.
 */
export async function countDueHolds(db: Db, now: number, leadTimeMs: number): Promise<number> {
  const [byNext, byPolicy] = await Promise.all([
    db.selectFrom('holds').select((eb) => eb.fn.countAll().as('n')).where('next_action_at', '<=', now).executeTakeFirst(),
    db
      .selectFrom('holds')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('policy_due_at', '<=', now + leadTimeMs)
      .where((eb) => eb.or([eb('next_action_at', 'is', null), eb('next_action_at', '>', now)]))
      .executeTakeFirst(),
  ]);
  return Number(byNext?.n ?? 0) + Number(byPolicy?.n ?? 0);
}

/** The earliest instant any hold is due under a lead time, or null when nothing will ever be due. */
export async function nextDueAt(db: Db, leadTimeMs: number): Promise<number | null> {
  const row = await db
    .selectFrom('holds')
    .select((eb) => [eb.fn.min('next_action_at').as('next'), eb.fn.min('policy_due_at').as('policy')])
    .executeTakeFirst();
  const candidates = [row?.next, row?.policy === null || row?.policy === undefined ? null : Number(row.policy) - leadTimeMs]
    .filter((v): v is number => v !== null && v !== undefined)
    .map(Number);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

/**
 * Gives the lease back and moves the hold's next action to `nextActionAt`, unless something else
 * moved it since the claim (`claimedNextActionAt`): a hold made due by another write stays due.
 */
export function releaseLeaseUntil(db: Db, id: string, owner: string, epoch: number, claimedNextActionAt: number | null, nextActionAt: number | null) {
  return db
    .updateTable('holds')
    .set((eb) => ({
      lease_owner: null,
      lease_expires_at: null,
      next_action_at: claimedNextActionAt === null ? eb.ref('next_action_at') : eb.case().when('next_action_at', '=', claimedNextActionAt).then(nextActionAt).else(eb.ref('next_action_at')).end(),
    }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('lease_epoch', '=', epoch);
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
