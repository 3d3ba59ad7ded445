// Delivers the outbox on its own timer, apart from the sweeps: every interval (and whenever kicked,
// e.g. after a sweep) it sends what is due until nothing due is left. Each event keeps its own
// backoff (WEBHOOK_RETRY_SCHEDULE_MS), so a receiver that is down costs one cheap claim per tick.
// stop() lets the delivery in flight finish and hands back events claimed but not sent.
import type { Logger } from 'pino';
import type { Store } from '../../db/connection.js';
import type { Clock } from '../clock.js';
import { deliverDueWebhooks, type DeliveryFailure, type WebhookConfig } from './deliver.js';

/** Default time between two looks at the outbox. */
export const DEFAULT_DELIVERY_INTERVAL_MS = 5_000;
const BATCH = 100;

/** A running delivery loop. */
export interface DeliveryLoop {
  /** Delivers now (or right after the round in flight); settles when that round is over. */
  kick(): Promise<void>;
  /** Stops the timer and waits up to `timeoutMs` for the round in flight; false when it did not finish in time. */
  stop(timeoutMs: number): Promise<boolean>;
}

/** Options of the loop besides where to deliver. */
export interface DeliveryLoopOptions {
  /** Real time between two rounds (default 5 s). */
  intervalMs?: number;
  onFailure?: (failure: DeliveryFailure) => void;
  onDelivered?: (count: number) => void;
}

/** Starts delivering due events at once and then every interval. */
export function startDeliveryLoop(store: Store, config: WebhookConfig, clock: Clock, logger: Logger, options: DeliveryLoopOptions = {}): DeliveryLoop {
  const intervalMs = options.intervalMs ?? DEFAULT_DELIVERY_INTERVAL_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  const round = async (): Promise<void> => {
    do {
      again = false;
      // A full batch means more may be due: keep going until a round comes back short.
      for (;;) {
        const { delivered, failed } = await deliverDueWebhooks(store, config, clock, logger, {
          limit: BATCH,
          signal: controller.signal,
          ...(options.onFailure ? { onFailure: options.onFailure } : {}),
        });
        if (delivered > 0) options.onDelivered?.(delivered);
        if (controller.signal.aborted || delivered + failed < BATCH) break;
      }
    } while (again && !controller.signal.aborted);
  };
  const schedule = () => {
    if (!controller.signal.aborted) timer = setTimeout(() => void kick(), intervalMs);
  };
  const kick = (): Promise<void> => {
    if (controller.signal.aborted) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    running = round()
      .catch((error: unknown) => {
        logger.error({ event: 'webhook_delivery_failed', err: error instanceof Error ? error.message : String(error) }, 'webhook delivery round failed');
      })
      .finally(() => {
        running = null;
        schedule();
      });
    return running;
  };

  void kick();
  return {
    kick,
    async stop(timeoutMs) {
      controller.abort();
      if (timer) clearTimeout(timer);
      timer = null;
      const inFlight = running as Promise<void> | null;
      if (!inFlight) return true;
      let timeout: NodeJS.Timeout | undefined;
      const expired = new Promise<'timeout'>((resolve) => {
        timeout = setTimeout(resolve, timeoutMs, 'timeout');
      });
      const ended = await Promise.race([inFlight.then(() => 'done' as const), expired]);
      clearTimeout(timeout);
      return ended === 'done';
    },
  };
}
