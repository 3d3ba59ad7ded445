// Webhook events as an operator sees them (`holdfast events`): listed from the outbox as stored
// (payloads were redacted before they were written, and are shown as they are), and re-queued for
// delivery now.
import type { Store } from '../../db/connection.js';
import { findOutboxEvents, type OutboxRow, requeueEvent } from '../../db/webhooks.repository.js';
import { EventNotFoundError } from '../errors.js';

/** One outbox event. Times are epoch ms. */
export interface OutboxEvent {
  id: string;
  holdId: string;
  type: string;
  createdAt: number;
  attempts: number;
  /** When the next attempt is due (for an undelivered event). */
  nextAttemptAt: number;
  deliveredAt: number | null;
  /** The last failed attempt's error, redacted. */
  lastError: string | null;
  /** The body POSTed to the receiver, as stored. */
  payload: unknown;
}

/** Which events to list. */
export interface OutboxEventFilter {
  undelivered?: boolean;
  holdId?: string;
  limit: number;
}

/** Events newest first, filtered. */
export async function listEvents(store: Store, filter: OutboxEventFilter): Promise<OutboxEvent[]> {
  return (await findOutboxEvents(store.db, filter)).map(toEvent);
}

/**
 * Makes an event due for delivery now — again, if it was delivered (receivers de-duplicate on its
 * id). Throws EventNotFoundError for an unknown id (or one pruned after the retention).
 */
export async function resendEvent(store: Store, id: string, now: number): Promise<OutboxEvent> {
  const row = await requeueEvent(store.db, id, now);
  if (!row) throw new EventNotFoundError(id);
  return toEvent(row);
}

function toEvent(row: OutboxRow): OutboxEvent {
  return {
    id: row.id,
    holdId: row.hold_id,
    type: row.event_type,
    createdAt: Number(row.created_at),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    lastError: row.last_error,
    payload: JSON.parse(row.payload) as unknown,
  };
}
