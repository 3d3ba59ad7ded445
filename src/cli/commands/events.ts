// `holdfast events list` and `holdfast events resend`: the webhook outbox for an operator.
import type { Holdfast } from '../../holds/holdfast.js';
import { engineOf } from '../../holds/internals.js';
import { listEvents, type OutboxEvent, resendEvent } from '../../webhooks/outbox-events.js';
import { parsePositiveInteger } from '../parse-args.js';

export interface EventsListOptions {
  /** Only events not delivered yet. */
  undelivered?: boolean | undefined;
  /** Only this hold's events. */
  hold?: string | undefined;
  /** Default 50, at most 1000. */
  limit?: string | undefined;
}

export interface EventsListResult {
  events: OutboxEvent[];
  /** True when more events match than the limit allowed. */
  truncated: boolean;
}

/** Lists webhook events, newest first, with their payloads as stored (redacted). */
export async function eventsListCommand(hf: Holdfast, options: EventsListOptions = {}): Promise<EventsListResult> {
  const limit = options.limit === undefined ? 50 : parsePositiveInteger(options.limit, '--limit', 1000);
  const events = await listEvents(engineOf(hf).store, {
    limit: limit + 1,
    ...(options.undelivered ? { undelivered: true } : {}),
    ...(options.hold === undefined ? {} : { holdId: options.hold }),
  });
  return { events: events.slice(0, limit), truncated: events.length > limit };
}

/** Re-queues one event for delivery now (again, if it was delivered); EVENT_NOT_FOUND for an unknown id. */
export async function eventsResendCommand(hf: Holdfast, options: { eventId: string }): Promise<OutboxEvent> {
  const engine = engineOf(hf);
  return resendEvent(engine.store, options.eventId, engine.clock.now());
}
