// The sweeper daemon: one sweep at start, then on a cron schedule without overlap; webhook delivery
// on its own timer and after each sweep; retention of delivered events; optional /metrics, /healthz
// and the read-only operations page on loopback; graceful stop that lets gateway calls and a webhook
// delivery in flight finish.
import { createServer, type Server } from 'node:http';
import cron, { type ScheduledTask } from 'node-cron';
import type { Holdfast } from '../holds/holdfast.js';
import { ConfigError } from '../errors.js';
import { checkLeadTime } from '../policy/expiry-policy.js';
import { longestInterval } from '../config/cron-interval.js';
import { createMetrics } from './metrics.js';
import type { SweepOptions, SweepReport } from '../sweeper/sweep.js';
import { engineOf } from '../holds/internals.js';
import { warnExpiringSoon, type WebhookConfig } from '../webhooks/deliver.js';
import { type DeliveryLoop, startDeliveryLoop } from '../webhooks/delivery-loop.js';
import { pruneDeliveredEvents } from '../webhooks/retention.js';
import { outboxBacklog } from '../../db/webhooks.repository.js';
import { DEFAULT_WEBHOOK_RETENTION_MS } from '../config/resolve-config.js';
import { isOpsPath, opsPage, refuseWrites } from '../ops/ops-page.js';
import { isLoopbackHost, listen, LOOPBACK } from '../ops/listen-loopback.js';

/** Default warning time for hold.expiring_soon: two days before actBy. */
export const DEFAULT_EXPIRING_SOON_MS = 48 * 3_600_000;

export const DEFAULT_SCHEDULE = '*/5 * * * *';

export interface DaemonOptions {
  /** Cron expression for sweeps (default every 5 minutes). */
  schedule?: string;
  concurrency?: number;
  leaseMs?: number;
  batchSize?: number;
  /**
   * Serve /metrics, /healthz and the operations page (/, /holds, /holds/<id>) on this loopback port
   * (0 picks a free one); off when undefined.
   */
  metricsPort?: number;
  /** Default 127.0.0.1. On an address that is not loopback, only /metrics and /healthz are served. */
  metricsHost?: string;
  /** /healthz turns unhealthy when no sweep has succeeded for this long (default 15 min). */
  unhealthyAfterMs?: number;
  /** How long stop() waits for gateway calls in flight (default 30 s). */
  shutdownTimeoutMs?: number;
  /**
   * Deliver webhooks on their own timer (every `intervalMs`, default 5 s) and after every sweep, and
   * write hold.expiring_soon this long before actBy.
   */
  webhook?: WebhookConfig & { expiringSoonMs?: number; intervalMs?: number };
  /** Delivered webhook events older than this are deleted after each sweep (default 30 d). */
  webhookRetentionMs?: number;
  /** Called after every sweep, for the CLI's output. */
  onSweep?: (report: SweepReport) => void;
}

/** A running daemon. */
export interface Daemon {
  /** Settles when the sweep run at start has finished. */
  firstSweep: Promise<void>;
  /** The metrics listener's URL, when one was asked for. */
  metricsUrl: string | null;
  /** When the last sweep succeeded (epoch ms, daemon clock), or null. */
  lastSuccessAt(): number | null;
  /** Stops claiming, waits for calls in flight (up to the timeout), closes the listener. */
  stop(): Promise<void>;
}

/** Starts the daemon on an open holdfast instance: the first sweep starts at once, then the schedule. */
export async function startDaemon(hf: Holdfast, options: DaemonOptions = {}): Promise<Daemon> {
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  if (!cron.validate(schedule)) throw new ConfigError(`invalid sweep schedule ${JSON.stringify(schedule)}: expected a cron expression like "*/5 * * * *"`);
  const engine = engineOf(hf);
  // The lead time must leave room for one interval of this schedule plus the first retries.
  checkLeadTime(engine.policy.leadTimeMs, await longestInterval(schedule));
  const logger = engine.logger;
  const metrics = createMetrics(() => hf.stats(), { outbox: () => outboxBacklog(engine.store.db), now: () => engine.clock.now() });
  const removeObserver = engine.onExchange((o) => metrics.recordExchange(o));
  const retentionMs = options.webhookRetentionMs ?? DEFAULT_WEBHOOK_RETENTION_MS;
  const delivery: DeliveryLoop | null = options.webhook
    ? startDeliveryLoop(engine.store, options.webhook, engine.clock, logger, {
        ...(options.webhook.intervalMs === undefined ? {} : { intervalMs: options.webhook.intervalMs }),
        onFailure: (f) => metrics.recordDeliveryFailure(f),
        onDelivered: (n) => metrics.recordDelivered(n),
      })
    : null;
  const controller = new AbortController();
  const unhealthyAfterMs = options.unhealthyAfterMs ?? 15 * 60_000;
  let lastSuccessAt: number | null = null;
  let running: Promise<void> | null = null;

  const sweepOptions: SweepOptions = {
    signal: controller.signal,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  };
  const runSweep = async (): Promise<void> => {
    if (controller.signal.aborted) return;
    const started = process.hrtime.bigint();
    try {
      const report = await hf.sweep(sweepOptions);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.recordSweep(report, seconds);
      lastSuccessAt = engine.clock.now();
      // hf.sweep() logged the pass's one line.
      options.onSweep?.(report);
      if (options.webhook) {
        await warnExpiringSoon(engine.store, engine.clock, options.webhook.expiringSoonMs ?? DEFAULT_EXPIRING_SOON_MS, engine.policy.leadTimeMs);
        // Not awaited: a slow receiver never holds up the next sweep; stop() waits for it.
        void delivery?.kick();
      }
      const pruned = await pruneDeliveredEvents(engine.store, engine.clock, retentionMs);
      if (pruned > 0) logger.info({ event: 'webhooks_pruned', pruned, retentionMs }, 'delivered webhook events pruned');
    } catch (error) {
      logger.error({ event: 'sweep_failed', err: error instanceof Error ? error.message : String(error) }, 'sweep failed');
    }
  };
  const tracked = (): Promise<void> => {
    running = runSweep().finally(() => {
      running = null;
    });
    return running;
  };

  let server: Server | null = null;
  let metricsUrl: string | null = null;
  if (options.metricsPort !== undefined) {
    const host = options.metricsHost ?? LOOPBACK;
    // The page shows holds and amounts: it is served on a loopback listener only.
    const page = isLoopbackHost(host) ? opsPage(hf) : null;
    server = createServer((req, res) => {
      void (async () => {
        if (refuseWrites(req, res)) return;
        const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
        if (path === '/metrics') {
          res.setHeader('content-type', metrics.registry.contentType);
          res.end(await metrics.registry.metrics());
        } else if (path === '/healthz') {
          const healthy = lastSuccessAt !== null && engine.clock.now() - lastSuccessAt <= unhealthyAfterMs;
          res.statusCode = healthy ? 200 : 503;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ status: healthy ? 'ok' : 'unhealthy', lastSuccessfulSweepAt: lastSuccessAt === null ? null : new Date(lastSuccessAt).toISOString() }));
        } else if (page && isOpsPath(path)) {
          await page(req, res);
        } else {
          res.statusCode = 404;
          res.end();
        }
      })().catch((error: unknown) => {
        res.statusCode = 500;
        res.end(error instanceof Error ? error.message : 'error');
      });
    });
    let port: number;
    try {
      port = await listen(server, { port: options.metricsPort, host, option: '--metrics-port' });
    } catch (error) {
      removeObserver();
      await delivery?.stop(0);
      throw error;
    }
    metricsUrl = httpUrl(host, port);
  }

  const firstSweep = tracked();
  // noOverlap: a pass that outlives the interval makes the next tick skip, never run alongside.
  const task: ScheduledTask = cron.schedule(schedule, () => tracked(), { noOverlap: true, name: 'holdfast-sweep' });
  logger.info({ event: 'daemon_started', schedule, metricsUrl }, 'daemon started');

  return {
    firstSweep,
    metricsUrl,
    lastSuccessAt: () => lastSuccessAt,
    async stop() {
      controller.abort();
      await task.stop();
      await task.destroy();
      const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
      const deadline = Date.now() + shutdownTimeoutMs;
      const inFlight = running as Promise<void> | null;
      if (inFlight) {
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, shutdownTimeoutMs, 'timeout').unref());
        if ((await Promise.race([inFlight.then(() => 'done' as const), timeout])) === 'timeout') {
          logger.warn({ event: 'shutdown_timeout' }, 'gateway calls still in flight at shutdown; their leases will expire');
        }
      }
      // The delivery in flight finishes within what is left of the same wait; an event cut off is sent again later.
      if (delivery && !(await delivery.stop(Math.max(0, deadline - Date.now())))) {
        logger.warn({ event: 'shutdown_timeout' }, 'a webhook delivery was still in flight at shutdown; its event will be sent again');
      }
      removeObserver();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      logger.info({ event: 'daemon_stopped' }, 'daemon stopped');
    },
  };
}

/** The URL of a listener: an IPv6 address goes in brackets (`http://[::1]:9464`). */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
