// The promises holdfast makes, checked hold by hold against the simulator's ledger.
import { expect } from 'vitest';
import type { Holdfast } from '../../src/holds/holdfast.js';
import type { Hold } from '../../src/holds/types.js';
import type { SimLedgerSnapshot } from '../../src/simulator/index.js';

/**
 * Zero double captures, zero lost holds, zero gateway effects at or after expiresAt, and the
 * database agreeing with the gateway: captured ⇔ one capture effect of that amount, voided ⇔ one
 * void and no capture, expired ⇔ no effect. Returns the holds for further checks.
 */
export async function expectConverged(hf: Holdfast, ledger: SimLedgerSnapshot, ids: readonly string[]): Promise<Hold[]> {
  const holds = await Promise.all(ids.map((id) => hf.get(id)));
  const byRef = new Map(ledger.authorizations.map((a) => [a.ref, a]));
  for (const hold of holds) {
    const auth = byRef.get(hold.gatewayRef ?? '');
    expect(auth, `hold ${hold.id} has an authorization at the gateway`).toBeDefined();
    const captures = auth!.captures;
    const voids = auth!.voids;
    const where = `${hold.id} (${hold.state})`;
    expect(captures.length, `${where}: at most one capture`).toBeLessThanOrEqual(1);
    expect(captures.length + voids.length, `${where}: never both captured and voided`).toBeLessThanOrEqual(1);
    for (const effect of [...captures, ...voids]) expect(effect.at, `${where}: effect before expiresAt`).toBeLessThan(hold.expiresAt!);
    expect(['captured', 'partially_captured', 'voided', 'expired'], `${where}: terminal`).toContain(hold.state);
    if (hold.state === 'captured' || hold.state === 'partially_captured') {
      expect(captures.map((c) => c.amount), where).toEqual([hold.capturedAmount]);
    } else if (hold.state === 'voided') {
      expect(voids, where).toHaveLength(1);
    } else {
      expect(captures.length + voids.length, where).toBe(0);
    }
  }
  return holds;
}
