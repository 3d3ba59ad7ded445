// Storage behaviour that must hold on SQLite and on PostgreSQL alike: migrations, exact big
// amounts, refusal of unknown snapshots, and lease fencing between sweepers with skewed clocks.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import { DIALECTS } from '../helpers/dialects.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { appliedMigrations } from '../../db/migrate.js';
import { claimDueHolds } from '../../db/sweeper.repository.js';
import { findHold } from '../../db/holds.repository.js';
import type { ClaimedHold } from '../../db/sweeper.repository.js';
import { engineOf } from '../../src/holds/internals.js';

const held = (c: ClaimedHold | undefined) => (c?.ok ? c.hold : undefined);
const LEAD = 24 * 3_600_000; // the harness's policy: the default lead time
import { openStore } from '../../db/connection.js';
import { ALLOW_UNSAFE_FSYNC_ENV, allowUnsafeFsyncFrom } from '../../db/postgres.js';
import { sql } from 'kysely';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`storage on ${dialect.name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await openHarness(dialect);
    });
    afterEach(async () => h.close());
    const db = () => engineOf(h.hf).store.db;

    it('applies every migration once', async () => {
      expect(await appliedMigrations(db())).toEqual(['0001-initial', '0002-webhook-outbox', '0003-authorize-request', '0004-lead-time-policy', '0005-operations-indexes', '0006-outbox-listing-indexes', '0007-open-holds-list-index']);
      const again = await openStore(h.dbPath);
      expect(await appliedMigrations(again.db)).toEqual(['0001-initial', '0002-webhook-outbox', '0003-authorize-request', '0004-lead-time-policy', '0005-operations-indexes', '0006-outbox-listing-indexes', '0007-open-holds-list-index']);
      await again.close();
    });

    it('keeps amounts beyond 2^31 exact, as numbers', async () => {
      const amount = 9_007_199_254_740_000; // close to 2^53, far beyond int4
      const hold = await h.hf.track({ gateway: 'fake', gatewayRef: 'big-1', amount, currency: 'USD', authorizedAt: h.clock.now() });
      const read = await h.hf.get(hold.id);
      expect(read.amount).toBe(amount);
      expect(typeof read.amount).toBe('number');
      expect(read.expiresAt).toBe(hold.expiresAt);
    });

    it('refuses a snapshot of an unknown machine version', async () => {
      const hold = await h.hf.track({ gateway: 'fake', gatewayRef: 'mv-1', amount: 100, currency: 'USD', authorizedAt: h.clock.now() });
      await db().updateTable('holds').set({ machine_version: 42 }).where('id', '=', hold.id).execute();
      await expect(h.hf.capture(hold.id)).rejects.toMatchObject({ code: 'UNKNOWN_MACHINE_VERSION' });
      expect(h.fake.calls.capture).toBe(0);
    });

    it('fences a sweeper whose lease was taken over; a skewed clock inside the lease steals nothing', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 100, currency: 'USD', subscriptionId: 's' });
      const at = hold.actBy!;
      const lease = 5 * 60_000;
      const skipLocked = h.dialect === 'postgres';
      const a = held((await claimDueHolds(db(), { owner: 'A', now: at, leaseMs: lease, leadTimeMs: LEAD, limit: 10, skipLocked }))[0]);
      expect(a?.id).toBe(hold.id);
      // B's clock runs 4 minutes ahead of A's: still inside A's lease, so nothing to claim.
      expect(await claimDueHolds(db(), { owner: 'B', now: at + 4 * 60_000, leaseMs: lease, leadTimeMs: LEAD, limit: 10, skipLocked })).toEqual([]);
      // Once the lease has lapsed (A died, or is very late), B takes over with a higher epoch.
      const b = held((await claimDueHolds(db(), { owner: 'B', now: at + lease, leaseMs: lease, leadTimeMs: LEAD, limit: 10, skipLocked }))[0]);
      expect(b?.leaseEpoch).toBe(a!.leaseEpoch + 1);
      // A wakes up and tries to commit its intent under its old epoch: refused, nothing written.
      await expect(
        engineOf(h.hf).commit(a!, { type: 'VOID', idempotencyKey: 'k', at }, 'sweeper', { fence: { epoch: a!.leaseEpoch, release: false } }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const after = await findHold(db(), hold.id);
      expect(after).toMatchObject({ state: 'authorized', leaseOwner: 'B' });
    });
  });
}

describe.skipIf(DIALECTS[1]!.skipReason !== null)('PostgreSQL durability check', () => {
  it('refuses a database with synchronous_commit off', async () => {
    const created = await DIALECTS[1]!.create();
    try {
      const name = new URL(created.database).pathname.slice(1);
      const store = await openStore(created.database);
      await sql.raw(`ALTER DATABASE ${name} SET synchronous_commit = off`).execute(store.db);
      await store.close();
      await expect(openStore(created.database)).rejects.toMatchObject({ code: 'UNSAFE_DATABASE_SETTINGS' });
    } finally {
      await created.drop();
    }
  });

  // The CI cluster (.ci/postgres.sh) runs with fsync=off for speed and the suites opt in through
  // HOLDFAST_ALLOW_UNSAFE_FSYNC=1; here the opt-in is withheld explicitly.
  it('refuses a server running with fsync off unless explicitly allowed', async () => {
    const created = await DIALECTS[1]!.create();
    try {
      const admin = await openStore(created.database, { allowUnsafeFsync: true });
      const { rows } = await sql<{ fsync: string }>`SHOW fsync`.execute(admin.db);
      await admin.close();
      expect(rows[0]?.fsync).toBe('off');
      const refused = openStore(created.database, { allowUnsafeFsync: false });
      await expect(refused).rejects.toMatchObject({ code: 'UNSAFE_DATABASE_SETTINGS' });
      await expect(refused).rejects.toThrow(/fsync=off/);
    } finally {
      await created.drop();
    }
  });
});

describe('the fsync opt-in', () => {
  it('is read from HOLDFAST_ALLOW_UNSAFE_FSYNC=1 and nothing else', () => {
    expect(ALLOW_UNSAFE_FSYNC_ENV).toBe('HOLDFAST_ALLOW_UNSAFE_FSYNC');
    expect(allowUnsafeFsyncFrom({ HOLDFAST_ALLOW_UNSAFE_FSYNC: '1' })).toBe(true);
    for (const value of [undefined, '', '0', 'true', 'yes']) expect(allowUnsafeFsyncFrom({ HOLDFAST_ALLOW_UNSAFE_FSYNC: value })).toBe(false);
  });
});
