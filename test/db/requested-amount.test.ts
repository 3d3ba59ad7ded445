// A hold keeps the amount asked for until the gateway approves: snapshots written before the machine
// did (amount 0 while authorizing or declined) are read with the pending authorization's amount.
import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../db/stored-hold.js';
import { HOLD_MACHINE_VERSION } from '../../machines/hold.machine.js';

const T0 = Date.UTC(2026, 0, 5);
const pending = { operation: 'authorize', idempotencyKey: 'k', amount: 6000, final: false, returnTo: 'declined', unknownAttempts: 0, retryAt: null, committedAt: T0, deadline: T0 + 7 * 86_400_000 };
const context = (over: Record<string, unknown>) => ({
  currency: 'PEN', amount: 0, capturedAmount: 0, captureCount: 0, capabilities: { maxCaptures: 1, overcaptureBps: 1000 }, authorizedAt: null, expiresAt: null,
  remainderReleased: false, onExpiry: 'void', onExpiryAmount: null, pending, lastError: { code: '017', message: 'Tarjeta no válida', at: T0, operation: 'authorize' }, ...over,
});
const row = (value: string, ctx: Record<string, unknown>) => ({ id: 'hold_00000000000000000001', snapshot: JSON.stringify({ value, context: ctx }), machine_version: HOLD_MACHINE_VERSION, updated_at: T0, created_at: T0 });

describe('the amount asked for', () => {
  it('is read from the pending authorization of an older declined or authorizing snapshot', () => {
    expect(readSnapshot(row('declined', context({}))).context.amount).toBe(6000);
    expect(readSnapshot(row('authorizing', context({ lastError: null }))).context.amount).toBe(6000);
  });

  it('leaves an authorized amount alone (a partial approval stays partial)', () => {
    const approved = context({ amount: 4000, authorizedAt: T0, expiresAt: T0 + 86_400_000, pending: null, lastError: null });
    expect(readSnapshot(row('authorized', approved)).context.amount).toBe(4000);
  });
});
