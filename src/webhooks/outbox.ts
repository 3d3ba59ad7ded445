// Builds outbox rows: the event's payload is fixed when the transition commits.
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type HoldRow, toHold } from '../../db/hold-mapper.js';
import { insertOutboxEvent } from '../../db/webhooks.repository.js';
import { holdToJson } from '../holds/hold-json.js';
import { redactText } from '../gateways/redact.js';
import type { WebhookEventType } from './events.js';

/** The JSON body a webhook receiver gets. */
export interface WebhookPayload {
  id: string;
  type: WebhookEventType;
  createdAt: string;
  data: { hold: ReturnType<typeof holdToJson> & { lastError: { code: string; message: string } | null } };
}

/** The statement putting one event about `row` (as it is after the transition) into the outbox. */
export function outboxInsert(db: Kysely<Database>, type: WebhookEventType, row: HoldRow, at: number) {
  const id = `evt_${randomBytes(10).toString('hex')}`;
  const hold = toHold(row);
  // lastError carries a gateway's words: card numbers masked, the hold's own references kept.
  const references = [hold.gatewayRef, hold.subscriptionId, hold.orderId].filter((r): r is string => r !== null);
  const lastError = hold.lastError && {
    code: redactText(hold.lastError.code, { references }),
    message: redactText(hold.lastError.message, { references }),
  };
  const payload: WebhookPayload = {
    id,
    type,
    createdAt: new Date(at).toISOString(),
    data: { hold: { ...holdToJson(hold), lastError } },
  };
  return insertOutboxEvent(db, { id, hold_id: row.id, event_type: type, payload: JSON.stringify(payload), created_at: at, next_attempt_at: at });
}
