// The statement that puts one webhook event into the outbox, in the transaction of the change that
// raised it: never lost, never sent for a write that lost.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { insertOutboxEvent } from '../../db/webhooks.repository.js';
import { webhookPayload } from '../../machines/webhook-payload.js';
import type { Hold } from '../../machines/hold-types.js';
import type { WebhookEventType } from '../../machines/webhook-events.js';
import { newEventId } from './ids.js';
import { redactText } from '../gateways/redact.js';

export type { WebhookPayload } from '../../machines/webhook-payload.js';

/** The statement writing event `type` about `view` (the hold as it is after the change) at `at`. */
export function outboxInsert(db: Kysely<Database>, type: WebhookEventType, view: Hold, at: number) {
  const id = newEventId();
  // lastError carries a gateway's words. The engine redacts them before they are stored; this pass
  // covers holds written by versions that did not, keeping the hold's own references whole.
  const references = [view.gatewayRef, view.subscriptionId, view.orderId].filter((r): r is string => r !== null);
  const lastError = view.lastError && { ...view.lastError, code: redactText(view.lastError.code, { references }), message: redactText(view.lastError.message, { references }) };
  const payload = webhookPayload(id, type, { ...view, lastError }, at);
  return insertOutboxEvent(db, { id, hold_id: view.id, event_type: type, payload: JSON.stringify(payload), created_at: at, next_attempt_at: at });
}
