// Delivers outbox events: POST with an HMAC-SHA256 signature over timestamp and body, retried with
// backoff until the receiver answers 2xx. At-least-once: receivers de-duplicate on the event id.
import { createHmac, timingSafeEqual } from 'node:crypto';
import got from 'got';
import type { Logger } from 'pino';
import type { Store } from '../../db/connection.js';
import { writeAtomically } from '../../db/connection.js';
import { claimDueEvents, findHoldsToWarn, markDelivered, markFailed, markWarned, releaseEvents } from '../../db/webhooks.repository.js';
import type { Clock } from '../clock.js';
import { redactText } from '../gateways/redact.js';
import { outboxInsert } from '../engine/outbox.js';
import { toHold } from '../../db/stored-hold.js';

export interface WebhookConfig {
  url: string;
  secret: string;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
}

/** Delays after the 1st, 2nd, … failed attempt; the last repeats forever (events are never dropped). */
export const WEBHOOK_RETRY_SCHEDULE_MS: readonly number[] = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 6 * 60 * 60_000];

/** The signature header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** Checks a signature header against the body, within `toleranceSeconds` of `nowSeconds` (for receivers). */
export function verifyWebhook(
  secret: string,
  header: string | readonly string[] | undefined,
  body: string | Buffer,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds = 300,
): boolean {
  // Node's IncomingMessage gives a header as string | string[] | undefined; a repeated header is refused.
  const value = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
  if (typeof value !== 'string') return false;
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(value.trim());
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, t, typeof body === 'string' ? body : body.toString('utf8')).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

/** Why one delivery attempt failed: the receiver's non-2xx status, a timeout, no connection, or another error. */
export interface DeliveryFailure {
  reason: 'status' | 'timeout' | 'connection' | 'error';
  /** The receiver's HTTP status with reason `status`, else null. */
  status: number | null;
}

/** Options of one delivery round. */
export interface DeliverOptions {
  /** Events claimed at most (default 100). */
  limit?: number;
  /** Once aborted, no further event is sent; claimed events not sent yet are due again at once. */
  signal?: AbortSignal;
  /** Called for every failed attempt (metrics). */
  onFailure?: (failure: DeliveryFailure) => void;
}

// Node's and got's codes for a receiver that could not be reached or dropped the connection.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

class ReceiverStatusError extends Error {
  constructor(readonly status: number) {
    super(`receiver answered ${status}`);
  }
}

function classify(error: unknown): DeliveryFailure {
  if (error instanceof ReceiverStatusError) return { reason: 'status', status: error.status };
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name === 'TimeoutError' || code === 'ETIMEDOUT') return { reason: 'timeout', status: null };
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return { reason: 'connection', status: null };
  return { reason: 'error', status: null };
}

/** Sends every due outbox event once; returns how many were delivered and how many failed. */
export async function deliverDueWebhooks(
  store: Store,
  config: WebhookConfig,
  clock: Clock,
  logger: Logger,
  options: DeliverOptions = {},
): Promise<{ delivered: number; failed: number }> {
  const now = clock.now();
  const timeoutMs = config.timeoutMs ?? 10_000;
  // A claim lasts a little longer than one attempt can take.
  const events = await claimDueEvents(store.db, now, timeoutMs + 60_000, options.limit ?? 100, store.dialect === 'postgres');
  let delivered = 0;
  let failed = 0;
  for (const [index, event] of events.entries()) {
    if (options.signal?.aborted) {
      // Stopping: what was claimed but not sent is due again now, for the next deliverer.
      await releaseEvents(store.db, events.slice(index).map((e) => e.id), now + timeoutMs + 60_000, clock.now());
      break;
    }
    const timestamp = Math.floor(clock.now() / 1000);
    try {
      const response = await got.post(config.url, {
        body: event.payload,
        headers: {
          'content-type': 'application/json',
          'holdfast-event-id': event.id,
          'holdfast-event-type': event.event_type,
          'holdfast-signature': signWebhook(config.secret, timestamp, event.payload),
        },
        timeout: { request: timeoutMs },
        retry: { limit: 0 },
        throwHttpErrors: false,
        followRedirect: false,
      });
      if (response.statusCode >= 200 && response.statusCode < 300) {
        await markDelivered(store.db, event.id, clock.now());
        delivered++;
        logger.info({ event: 'webhook_delivered', id: event.id, type: event.event_type }, 'webhook delivered');
        continue;
      }
      throw new ReceiverStatusError(response.statusCode);
    } catch (error) {
      failed++;
      const failure = classify(error);
      options.onFailure?.(failure);
      const attempts = Number(event.attempts) + 1;
      const delay = WEBHOOK_RETRY_SCHEDULE_MS[Math.min(attempts, WEBHOOK_RETRY_SCHEDULE_MS.length) - 1] ?? 0;
      // A transport error can quote the receiver's URL (credentials included) or echo what was sent.
      const message = redactText(error instanceof Error ? error.message : String(error), { secrets: [config.secret] });
      await markFailed(store.db, event.id, message, clock.now() + delay);
      logger.warn({ event: 'webhook_failed', id: event.id, type: event.event_type, attempts, reason: failure.reason, status: failure.status, err: message }, 'webhook delivery failed');
    }
  }
  return { delivered, failed };
}

/**
 * Writes hold.expiring_soon for open holds whose plan nobody chose and whose actBy is within
 * `withinMs`: the order system's last chance to say capture instead of the default void.
 */
export async function warnExpiringSoon(store: Store, clock: Clock, withinMs: number, leadTimeMs: number): Promise<number> {
  const now = clock.now();
  let warned = 0;
  for (const hold of await findHoldsToWarn(store.db, now + withinMs, leadTimeMs, 500)) {
    // A plan that already failed (a declined capture, a refused void) was announced by its own event.
    const failed = hold.context.lastError;
    if (failed && failed.code !== 'NOT_SENT' && (failed.operation === 'capture' || failed.operation === 'void')) continue;
    const written = await writeAtomically(store, [
      { query: markWarned(store.db, hold.id, now), guard: true },
      { query: outboxInsert(store.db, 'hold.expiring_soon', toHold(hold, leadTimeMs), now) },
    ]);
    if (written) warned++;
  }
  return warned;
}
