// Issue 10, finding 2: the webhook payload carries the hold's lastError, a gateway's own words. Card
// numbers in it are masked; the hold's references (a Luhn-valid Kushki ticket included) are kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../db/connection.js';
import { type HoldRow, type StoredHold, storedHold, toHold } from '../../db/stored-hold.js';
import { HOLD_MACHINE_VERSION } from '../../machines/hold.machine.js';
import { findPans, luhnValid } from '../../src/gateways/redact.js';
import { outboxInsert, type WebhookPayload } from '../../src/engine/outbox.js';

const TICKET = (() => {
  for (let d = 0; d <= 9; d++) if (luhnValid(`31922847888968031${d}`)) return `31922847888968031${d}`;
  throw new Error('unreachable');
})();

function hold(lastError: { code: string; message: string; at: number }): StoredHold {
  const at = 1_790_000_000_000;
  const row = {
    id: 'hold_redact_1', order_id: 'order-1', gateway: 'kushki', gateway_ref: TICKET, subscription_id: 'sub1', state: 'authorized',
    currency: 'USD', amount: 1_000, captured_amount: 0, card_type: 'credit', masked_card: null, authorized_at: at, expires_at: at + 1,
    act_by: at, on_expiry: 'void', on_expiry_amount: null, idempotency_key: null, request_hash: null, next_action_at: null, version: 3,
    snapshot: JSON.stringify({ value: 'authorized', context: { currency: 'USD', amount: 1_000, capturedAmount: 0, captureCount: 0, capabilities: { maxCaptures: 1, overcaptureBps: 0 }, authorizedAt: at, expiresAt: at + 1, onExpiry: 'void', onExpiryAmount: null, pending: null, remainderReleased: false, lastError } }),
    machine_version: HOLD_MACHINE_VERSION, lease_owner: null, lease_expires_at: null, lease_epoch: 0, created_at: at, updated_at: at,
    on_expiry_explicit: 0, expiry_warned_at: null, authorize_request: null, policy_due_at: null,
  };
  return storedHold(row as HoldRow);
}

describe('webhook payload: lastError is redacted', () => {
  let store: SqliteStore;
  beforeAll(async () => {
    store = await openSqliteStore(':memory:');
  });
  afterAll(async () => store.close());

  it('masks a card number in lastError and keeps the hold\'s own ticket', () => {
    const message = `no existe la transacción ${TICKET}; tarjeta 4111 1111 1111 1111`;
    const query = outboxInsert(store.db, 'hold.voided', toHold(hold({ code: '4111111111111111', message, at: 1 }), 24 * 3_600_000), 1);
    const payload = query.parameters.find((p: unknown): p is string => typeof p === 'string' && p.startsWith('{"id"'))!;
    const parsed = JSON.parse(payload) as WebhookPayload;
    expect(parsed.data.hold.lastError).toEqual({ code: '411111…1111', message: `no existe la transacción ${TICKET}; tarjeta 411111…1111` });
    expect(findPans(payload.replaceAll(TICKET, '<ticket>'))).toEqual([]);
  });
});
