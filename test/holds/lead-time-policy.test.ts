// The lead time is policy applied when the sweeper looks: a change moves every hold that follows it
// (no row is rewritten), while a hold given its own actBy keeps it. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { DIALECTS } from '../helpers/dialects.js';
import { openHarness, type Harness, DAY_MS, HOUR_MS } from '../helpers/harness.js';
import { typedError } from '../helpers/typed-error.js';
import { openHoldfast } from '../../src/holds/holdfast.js';
import { createExpiryPolicy } from '../../src/policy/expiry-policy.js';

for (const dialect of DIALECTS) {
  describe.skipIf(dialect.skipReason !== null)(`lead time as policy on ${dialect.name}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await openHarness(dialect);
    });
    afterEach(async () => h.close());

    const withLead = (leadTimeMs: number) =>
      openHoldfast({ database: h.dbPath, gateways: [h.fake], clock: h.clock, logger: pino({ level: 'silent' }), policy: createExpiryPolicy({ leadTimeMs }) });

    it('an existing hold follows a longer lead time: shown and swept at the new actBy', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 1000, currency: 'PEN', subscriptionId: 's' });
      expect(hold.actBy).toBe(hold.expiresAt! - DAY_MS);
      const longer = await withLead(3 * DAY_MS);
      try {
        expect((await longer.get(hold.id)).actBy).toBe(hold.expiresAt! - 3 * DAY_MS);
        h.clock.set(hold.expiresAt! - 2 * DAY_MS);
        // Under 24 h nothing is due yet; under 72 h the hold is a day late.
        expect((await h.hf.sweep({ dryRun: true })).items).toEqual([]);
        expect((await longer.list({ expiringWithinMs: 0 })).holds.map((x) => x.id)).toEqual([hold.id]);
        const report = await longer.sweep();
        expect(report.items.map((i) => [i.holdId, i.action, i.outcome])).toEqual([[hold.id, 'void', 'approved']]);
      } finally {
        await longer.close();
      }
    });

    it('a hold given its own actBy keeps it whatever the lead time, and can go back to the policy', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 1000, currency: 'PEN', subscriptionId: 's', onExpiry: 'capture' });
      const own = hold.authorizedAt! + 2 * DAY_MS;
      const set = await h.hf.setOnExpiry(hold.id, 'capture', { actBy: own });
      expect(set).toMatchObject({ actBy: own, ownActBy: true });
      const longer = await withLead(3 * DAY_MS);
      try {
        expect((await longer.get(hold.id)).actBy).toBe(own);
        h.clock.set(own - 1);
        expect((await longer.sweep()).items).toEqual([]);
        h.clock.set(own);
        expect((await longer.sweep()).items.map((i) => [i.action, i.outcome])).toEqual([['capture', 'approved']]);
      } finally {
        await longer.close();
      }
      const other = await h.hf.authorize({ gateway: 'fake', amount: 1000, currency: 'PEN', subscriptionId: 't' });
      await h.hf.setOnExpiry(other.id, 'void', { actBy: other.authorizedAt! + DAY_MS });
      expect(await h.hf.setOnExpiry(other.id, 'void', { actBy: null })).toMatchObject({ actBy: other.expiresAt! - DAY_MS, ownActBy: false });
    });

    it('refuses an own actBy that leaves no time before the expiry, and changes nothing', async () => {
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 1000, currency: 'PEN', subscriptionId: 's' });
      const error = await typedError(h.hf.setOnExpiry(hold.id, 'capture', { actBy: hold.expiresAt! - HOUR_MS / 60 }));
      expect(error.code).toBe('INVALID_ACT_BY');
      expect(error.message).toContain('6m15s');
      expect(await h.hf.get(hold.id)).toMatchObject({ onExpiry: 'void', version: hold.version, ownActBy: false });
    });
  });
}
