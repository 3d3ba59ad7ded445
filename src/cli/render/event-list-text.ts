// `holdfast events` for people: one row per webhook event; and the JSON shape both subcommands share.
import type { OutboxEvent } from '../../webhooks/outbox-events.js';
import type { EventsListResult } from '../commands/events.js';
import { toIsoTime } from '../../time/parse-iso-time.js';
import { newTable } from './table.js';
import type { TerminalStyle } from './terminal-style.js';
import { shortTime } from './time-left.js';

const MAX_ERROR = 60;

/** An event for --json: times as ISO-8601, the next attempt only while undelivered, the payload as stored. */
export function eventToJson(event: OutboxEvent): Record<string, unknown> {
  return {
    id: event.id,
    holdId: event.holdId,
    type: event.type,
    createdAt: toIsoTime(event.createdAt),
    attempts: event.attempts,
    deliveredAt: toIsoTime(event.deliveredAt),
    nextAttemptAt: event.deliveredAt === null ? toIsoTime(event.nextAttemptAt) : null,
    lastError: event.lastError,
    payload: event.payload,
  };
}

/** The events as a table (payloads only with --json), or a line saying there are none. */
export function eventListText(result: EventsListResult, style: TerminalStyle): string {
  if (result.events.length === 0) return 'no events match';
  const table = newTable(['event', 'hold', 'type', 'created', 'attempts', 'status', 'last error'], style, {
    align: ['left', 'left', 'left', 'left', 'right', 'left', 'left'],
  });
  for (const e of result.events) {
    table.push([e.id, e.holdId, e.type, shortTime(e.createdAt), String(e.attempts), statusText(e, style), errorText(e.lastError)]);
  }
  const more = result.truncated ? '\nmore events match; raise --limit or narrow the filters' : '';
  return `${table.toString()}${more}`;
}

/** What `events resend` prints. */
export function resentEventText(event: OutboxEvent): string {
  return `event ${event.id} (${event.type}, hold ${event.holdId}) is queued for delivery now: the daemon sends it at its next look at the outbox (every 5 s)`;
}

function statusText(event: OutboxEvent, style: TerminalStyle): string {
  if (event.deliveredAt !== null) return `delivered ${shortTime(event.deliveredAt)}`;
  if (event.nextAttemptAt <= style.now) return style.colors.yellow('due now');
  return style.colors.yellow(`next ${shortTime(event.nextAttemptAt)}`);
}

function errorText(error: string | null): string {
  if (error === null) return '—';
  return error.length > MAX_ERROR ? `${error.slice(0, MAX_ERROR - 1)}…` : error;
}
