// Prometheus metrics for the daemon: gauges read from the database at scrape time, histograms and
// counters fed by sweeps and gateway exchanges.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HoldStats } from '../holds/hold-queries.js';
import type { SweepReport } from '../sweeper/sweep.js';
import type { ExchangeObservation } from '../engine/hold-engine.js';
import type { DeliveryFailure } from '../webhooks/deliver.js';

/** The daemon's metrics and the hooks that feed them. */
export interface DaemonMetrics {
  registry: Registry;
  recordSweep(report: SweepReport, seconds: number): void;
  recordExchange(observation: ExchangeObservation): void;
  recordDeliveryFailure(failure: DeliveryFailure): void;
  recordDelivered(count: number): void;
}

/** Where the outbox gauges come from: the undelivered backlog, and the clock its age is measured on. */
export interface OutboxSource {
  outbox: () => Promise<{ undelivered: number; oldestCreatedAt: number | null }>;
  now: () => number;
}

/**
 * Creates a registry whose hold gauges come from `stats()` (the same figures as `holdfast stats`) and
 * whose outbox gauges come from `source` on every scrape.
 */
export function createMetrics(stats: () => Promise<HoldStats>, source?: OutboxSource): DaemonMetrics {
  const registry = new Registry();
  // prom-client reads metrics concurrently: every database-backed gauge awaits one shared refresh per scrape.
  let refreshing: Promise<void> | null = null;
  const collect = () => {
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  };
  const fromDb = { registers: [registry], collect };
  const holds = new Gauge({ name: 'holdfast_holds', help: 'Holds by state', labelNames: ['state'], ...fromDb });
  const amount = new Gauge({ name: 'holdfast_hold_amount_minor', help: 'Amount of the holds in each state (minor units): authorized, or asked for while authorizing or when declined', labelNames: ['state', 'currency'], ...fromDb });
  const due = new Gauge({ name: 'holdfast_amount_due_minor', help: 'Amount still held whose actBy falls within the window', labelNames: ['within', 'currency'], ...fromDb });
  const expiredCount = new Gauge({ name: 'holdfast_expired_uncaptured_holds', help: 'Holds that lapsed with nothing captured', ...fromDb });
  const expiredAmount = new Gauge({ name: 'holdfast_expired_uncaptured_amount_minor', help: 'Amount of holds that lapsed uncaptured', labelNames: ['currency'], ...fromDb });
  const extensions = new Gauge({ name: 'holdfast_extensions', help: 'Extension attempts (extensions and adjustments) by method (reauthorization, replacement) and outcome', labelNames: ['method', 'outcome'], ...fromDb });
  const sweepDuration = new Histogram({ name: 'holdfast_sweep_duration_seconds', help: 'Duration of sweep passes', buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300], registers: [registry] });
  const outcomes = new Counter({ name: 'holdfast_sweep_outcomes_total', help: 'Per-hold sweep outcomes', labelNames: ['outcome'], registers: [registry] });
  const latency = new Histogram({
    name: 'holdfast_gateway_latency_seconds',
    help: 'Gateway call latency',
    labelNames: ['gateway', 'operation', 'outcome'],
    buckets: [0.005, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const backlog = new Gauge({ name: 'holdfast_webhook_undelivered_events', help: 'Webhook events in the outbox not delivered yet', ...fromDb });
  const oldest = new Gauge({ name: 'holdfast_webhook_oldest_undelivered_age_seconds', help: 'Age of the oldest undelivered webhook event (0 when none)', ...fromDb });
  const delivered = new Counter({ name: 'holdfast_webhook_deliveries_total', help: 'Webhook events delivered (receiver answered 2xx)', registers: [registry] });
  const failures = new Counter({
    name: 'holdfast_webhook_delivery_failures_total',
    help: 'Failed webhook delivery attempts by reason (status, timeout, connection, error) and HTTP status',
    labelNames: ['reason', 'status'],
    registers: [registry],
  });

  async function refresh(): Promise<void> {
    const [figures, outbox] = await Promise.all([stats(), source?.outbox() ?? Promise.resolve({ undelivered: 0, oldestCreatedAt: null })]);
    backlog.set(outbox.undelivered);
    oldest.set(outbox.oldestCreatedAt === null || !source ? 0 : Math.max(0, (source.now() - outbox.oldestCreatedAt) / 1000));
    holds.reset();
    amount.reset();
    expiredAmount.reset();
    let expired = 0;
    for (const t of figures.byState) {
      holds.inc({ state: t.state }, t.count);
      amount.set({ state: t.state, currency: t.currency }, t.amount);
    }
    for (const e of figures.expiredUncaptured) {
      expired += e.count;
      expiredAmount.set({ currency: e.currency }, e.amount);
    }
    expiredCount.set(expired);
    extensions.reset();
    for (const e of figures.extensions) extensions.set({ method: e.method, outcome: e.outcome }, e.count);
    due.reset();
    for (const d of figures.reachingActBy) due.set({ within: d.within, currency: d.currency }, d.amount);
  }

  return {
    registry,
    recordSweep(report, seconds) {
      sweepDuration.observe(seconds);
      for (const [outcome, count] of Object.entries(report.totals)) if (count > 0) outcomes.inc({ outcome }, count);
    },
    recordExchange(o) {
      latency.observe({ gateway: o.gateway, operation: o.operation, outcome: o.outcome }, o.latencyMs / 1000);
    },
    recordDeliveryFailure(f) {
      failures.inc({ reason: f.reason, status: f.status === null ? '' : String(f.status) });
    },
    recordDelivered(count) {
      delivered.inc(count);
    },
  };
}
