// One sweep pass: claim due holds under a lease, decide per hold, act with bounded concurrency, and
// report. A continuous pipeline: workers take claimed holds one at a time and a new claim starts as
// soon as the claimed ones run low, so calls keep flowing instead of waiting for the slowest hold of
// a batch. Exclusion between sweeper processes comes from the database (claim + fencing epoch);
// node-cron only decides when a pass starts.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HoldState } from '../../machines/hold.machine.js';
import { planFor, type Plan } from '../../machines/sweep-plan.js';
import { effectiveActBy, extensionDeadline, nextActionAt } from '../../machines/next-action.js';
import { captureKey, reauthorizeKey, voidKey } from '../../machines/idempotency-keys.js';
import type { Hold } from '../../machines/hold-types.js';
import type { StoredHold } from '../../db/stored-hold.js';
import { findHold } from '../../db/holds.repository.js';
import { claimDueHolds, type ClaimedHold, countDueHolds, findDueHolds, releaseLease, releaseLeaseUntil } from '../../db/sweeper.repository.js';
import { writeAtomically } from '../../db/connection.js';
import type { HoldEngine, PerformResult } from '../engine/hold-engine.js';
import { crashPoint } from '../engine/crash-point.js';
import { replacementObstacle, type SettleResult, settleIfReplacement, settleOriginal, settleReplacement, startReplacement } from '../engine/replacement.js';
import { parseAuthorizeRequest } from '../engine/authorize-request.js';
import { ConflictError, HoldfastError } from '../errors.js';

export interface SweepOptions {
  /** This sweeper's identity in leases; default host:pid:random. */
  owner?: string;
  /** Compute the plan without claiming or calling anything. */
  dryRun?: boolean;
  /** Gateway calls in flight at once (default 8). */
  concurrency?: number;
  /** Holds claimed per statement (default 100). */
  batchSize?: number;
  /** How long a claim is exclusive; must exceed the gateway timeouts (default 5 min). */
  leaseMs?: number;
  /** Stop claiming once aborted (graceful shutdown); calls in flight finish, claimed holds are given back. */
  signal?: AbortSignal;
  /** Called after each hold with the count done and the count claimed so far. */
  onProgress?: (done: number, claimed: number) => void;
  /** Called with every item, including those beyond `maxItems`. */
  onItem?: (item: SweepItem) => void;
  /** Items kept in the report (default 10 000); beyond it only the totals count, so memory stays flat. */
  maxItems?: number;
}

export const SWEEP_OUTCOMES = [
  'approved', 'declined', 'unknown', 'unavailable', 'misconfigured', 'expired', 'flagged', 'conflict', 'skipped', 'planned', 'error',
] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];

/** What the sweep did (or, dry, would do) with one hold. */
export interface SweepItem {
  holdId: string;
  orderId: string | null;
  gateway: string;
  action: Plan['kind'];
  /** Minor units captured or released, when the action moves money. */
  amount: number | null;
  currency: string;
  outcome: SweepOutcome;
  stateBefore: HoldState;
  stateAfter: HoldState | null;
  ms: number;
  message?: string;
}

export interface SweepReport {
  owner: string;
  dryRun: boolean;
  startedAt: number;
  finishedAt: number;
  items: SweepItem[];
  /** Holds acted on but not listed in `items` (beyond `maxItems`); they are in `totals`. */
  itemsOmitted: number;
  totals: Record<SweepOutcome, number>;
}

export const DEFAULT_MAX_ITEMS = 10_000;
export const DEFAULT_SWEEP_CONCURRENCY = 8;
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** Holds in progress per gateway call slot (writing an intent, waiting for a slot, writing a result). */
const WORKERS_PER_SLOT = 4;

/** A lease owner name unique to this process and pass. */
export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Runs one sweep pass over every due hold and reports what happened to each. */
export async function sweep(engine: HoldEngine, options: SweepOptions = {}): Promise<SweepReport> {
  const owner = options.owner ?? defaultOwner();
  const startedAt = engine.clock.now();
  const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
  const items: SweepItem[] = [];
  const totals = Object.fromEntries(SWEEP_OUTCOMES.map((o) => [o, 0])) as Record<SweepOutcome, number>;
  let done = 0;
  const record = (item: SweepItem) => {
    done++;
    totals[item.outcome]++;
    if (items.length < maxItems) items.push(item);
    options.onItem?.(item);
  };
  const started = performance.now();
  const due = await countDueHolds(engine.store.db, startedAt, engine.policy.leadTimeMs);
  let claimed = 0;
  if (options.dryRun) {
    for (const found of await findDueHolds(engine.store.db, startedAt, engine.policy.leadTimeMs, maxItems)) record(dryItem(found, startedAt, engine.policy.leadTimeMs));
  } else {
    const pipeline = new Pipeline(engine, owner, options, record);
    await pipeline.run();
    claimed = pipeline.claimedCount;
  }
  const report: SweepReport = { owner, dryRun: options.dryRun ?? false, startedAt, finishedAt: engine.clock.now(), items, itemsOmitted: done - items.length, totals };
  // The one line per pass: outcomes that occurred, and due (at the start, leased or not) against claimed.
  const nonZero = Object.fromEntries(Object.entries(totals).filter(([, n]) => n > 0));
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  engine.logger.info({ event: 'sweep', owner, dryRun: report.dryRun, due, claimed, holds: done, totals: nonZero, durationMs }, 'sweep');
  return report;
}

// Claimed holds flow to `concurrency` workers; claims refill the queue while calls are in flight.
class Pipeline {
  private readonly queue: ClaimedHold[] = [];
  private readonly attempts = new Map<string, number>();
  private claiming: Promise<number> | null = null;
  private active = 0;
  private claimed = 0;
  private done = 0;
  private finished = false;
  private waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly slots: <T>(call: () => Promise<T>) => Promise<T>;
  private readonly workers: number;

  constructor(
    private readonly engine: HoldEngine,
    private readonly owner: string,
    private readonly options: SweepOptions,
    private readonly record: (item: SweepItem) => void,
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY);
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.slots = limiter(this.concurrency);
    // Bounded: a hold waits for a call slot with its intent committed, well inside its lease.
    this.workers = Math.min(this.batchSize, this.concurrency * WORKERS_PER_SLOT);
  }

  /** Holds claimed so far in this pass (a hold claimed twice counts twice). */
  get claimedCount(): number {
    return this.claimed;
  }

  async run(): Promise<void> {
    // More workers than gateway slots: while `concurrency` calls are in flight, the others commit
    // intents and results, so the gateway never waits on the database, and their writes share one
    // durable commit (group commit) instead of paying an fsync each.
    await Promise.all(Array.from({ length: this.workers }, () => this.worker()));
    // Shutting down: holds claimed but not started go straight back.
    const unstarted = this.queue.splice(0);
    if (unstarted.length > 0) await this.release(unstarted.map(claimedLease));
  }

  private async worker(): Promise<void> {
    for (;;) {
      const next = await this.next();
      if (next === null) return;
      this.active++;
      try {
        // No second action in this pass unless the outcome earns one — marked before acting, because
        // acting releases the lease and a background claim may take the hold again before we return.
        this.attempts.set(next.ok ? next.hold.id : next.row.id, 2);
        const item = await actOn(this.engine, next, this.owner, this.slots);
        this.record(item);
        this.done++;
        // Only a declined capture earns a second action in the same pass (releasing the hold); holds
        // that cannot come due again in this pass are forgotten, so memory stays flat.
        const id = item.holdId;
        if (item.outcome === 'approved' || item.outcome === 'expired' || item.outcome === 'flagged') this.attempts.delete(id);
        // A declined extension likewise earns its fallback in the same pass.
        else if (item.outcome === 'declined' && (item.action === 'capture' || item.action === 'extend') && this.attempts.get(id) === 2) this.attempts.set(id, 1);
        this.options.onProgress?.(this.done, this.claimed);
      } finally {
        this.active--;
        this.wake();
      }
    }
  }

  // The next claimed hold, claiming more when the queue runs low; null when the pass is over.
  private async next(): Promise<ClaimedHold | null> {
    for (;;) {
      if (this.finished || this.options.signal?.aborted) return null;
      if (this.queue.length > 0) {
        // Keep claiming while calls are in flight; a failed background claim is retried by the next one.
        if (this.queue.length <= this.workers) {
          this.claim().catch((error: unknown) => this.engine.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'claim failed'));
        }
        return this.queue.shift() as ClaimedHold;
      }
      const fresh = await this.claim();
      if (fresh > 0 || this.queue.length > 0) continue;
      // Nothing due now. Holds in flight may come due again (a declined capture's void): wait for them.
      if (this.active === 0) {
        this.finished = true;
        this.wake();
        return null;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  // One claim at a time; returns how many holds it added to the queue.
  private claim(): Promise<number> {
    this.claiming ??= this.claimOnce().finally(() => {
      this.claiming = null;
    });
    return this.claiming;
  }

  private async claimOnce(): Promise<number> {
    if (this.options.signal?.aborted) return 0;
    const claimed = await claimDueHolds(this.engine.store.db, {
      owner: this.owner,
      now: this.engine.clock.now(),
      leaseMs: this.leaseMs,
      leadTimeMs: this.engine.policy.leadTimeMs,
      limit: this.batchSize,
      skipLocked: this.engine.store.dialect === 'postgres',
    });
    if (claimed.length === 0) return 0;
    crashPoint('after-claim');
    this.claimed += claimed.length;
    // A hold is acted on once per pass, twice when a declined capture is followed by its void;
    // anything more would be a loop, so its lease goes straight back for the next pass.
    const again: ClaimedHold[] = [];
    for (const c of claimed) {
      const id = c.ok ? c.hold.id : c.row.id;
      const count = (this.attempts.get(id) ?? 0) + 1;
      this.attempts.set(id, count);
      if (count <= 2) this.queue.push(c);
      else again.push(c);
    }
    if (again.length > 0) await this.release(again.map(claimedLease));
    return claimed.length - again.length;
  }

  private async release(leases: { id: string; epoch: number }[]): Promise<void> {
    const db = this.engine.store.db;
    await writeAtomically(this.engine.store, leases.map(({ id, epoch }) => ({ query: releaseLease(db, id, this.owner, epoch) })));
  }
}

/** At most `limit` calls running at once; the others wait in order. */
function limiter(limit: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (call) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await call();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

function claimedLease(c: ClaimedHold): { id: string; epoch: number } {
  return c.ok ? { id: c.hold.id, epoch: c.hold.leaseEpoch } : { id: c.row.id, epoch: Number(c.row.lease_epoch) };
}

function planOf(hold: StoredHold, now: number, leadTimeMs: number, engine?: HoldEngine): Plan {
  // Only an authorizing hold is re-sent from its stored request; a request that carried a card cannot be.
  const canResendAuthorize = hold.state === 'authorizing' && !parseAuthorizeRequest(hold.authorizeRequest).hasCard;
  const actBy = effectiveActBy(hold.ownActBy, hold.expiresAt, leadTimeMs);
  // A dry run (no engine) assumes the gateway can reauthorize; a real pass asks the configured one.
  const canReauthorize = engine === undefined || (engine.hasGateway(hold.gateway) && engine.gateway(hold.gateway).reauthorize !== undefined);
  // Asked only of an extend plan (it reads the stored request).
  const extend = hold.context.onExpiry === 'extend';
  const canReplace = extend && (engine === undefined ? hold.subscriptionId !== null : replacementObstacle(engine, hold) === null);
  const deadline = hold.expiresAt === null ? null : extensionDeadline(hold.expiresAt, leadTimeMs);
  return planFor({ state: hold.state, context: hold.context, actBy, canResendAuthorize, canReauthorize, canReplace, extensionDeadline: deadline }, now);
}

function dryItem(claimed: ClaimedHold, now: number, leadTimeMs: number): SweepItem {
  if (!claimed.ok) return unreadableItem(claimed, 0);
  return item(claimed.hold, planOf(claimed.hold, now, leadTimeMs), 'planned', null, 0);
}

function unreadableItem(claimed: Extract<ClaimedHold, { ok: false }>, ms: number): SweepItem {
  const { row } = claimed;
  return {
    holdId: row.id, orderId: row.order_id, gateway: row.gateway, action: 'skip', amount: null, currency: row.currency,
    outcome: 'error', stateBefore: row.state, stateAfter: null, ms, message: claimed.error.message,
  };
}

// Acts on one claimed hold. Every write carries the lease epoch; the last one gives the lease back.
async function actOn(engine: HoldEngine, claimed: ClaimedHold, owner: string, callSlot: <T>(call: () => Promise<T>) => Promise<T>): Promise<SweepItem> {
  const started = performance.now();
  if (!claimed.ok) {
    // An unreadable snapshot is reported, never guessed at; its lease lapses and a later pass reports it again.
    engine.logger.error({ holdId: claimed.row.id, err: claimed.error.message }, 'sweep could not read hold');
    return unreadableItem(claimed, 0);
  }
  const hold = claimed.hold;
  const now = engine.clock.now();
  const epoch = hold.leaseEpoch;
  const keep = { epoch, release: false };
  const done = { epoch, release: true };
  const plan = planOf(hold, now, engine.policy.leadTimeMs, engine);
  const finish = (outcome: SweepOutcome, after: Hold | StoredHold | null, message?: string): SweepItem => ({
    ...item(hold, plan, outcome, after?.state ?? null, performance.now() - started),
    ...(message === undefined ? {} : { message }),
  });
  const releaseOnly = () => writeAtomically(engine.store, [{ query: releaseLease(engine.store.db, hold.id, owner, epoch) }]);
  const expire = async (): Promise<SweepItem> => {
    const { hold: next } = await engine.commit(hold, { type: 'EXPIRE', at: now }, 'sweeper', { fence: done });
    crashPoint('after-result');
    // An extension still open at its deadline is abandoned for the fallback plan (due at once).
    if (next.state === 'authorized') return finish('declined', next, next.context.lastError?.message);
    return finish(next.state === 'needs_attention' ? 'flagged' : 'expired', next);
  };
  // How a replacement went, reported on the replaced hold: settled, or (still waiting) its authorization's outcome.
  const finishSettled = (settled: SettleResult, authorization: PerformResult | null): SweepItem => {
    if (settled.outcome === 'waiting' || settled.outcome === 'none') {
      return finish(authorization?.outcome ?? 'unknown', settled.original, authorization?.error?.message ?? `its replacement ${settled.replacement.id} is ${settled.replacement.state}`);
    }
    return finish(settled.outcome, settled.original, settled.error?.message ?? `replaced by ${settled.replacement.id}`);
  };
  try {
    if ((plan.kind === 'capture' || plan.kind === 'void' || plan.kind === 'retry' || plan.kind === 'extend' || plan.kind === 'replace' || plan.kind === 'settle') && !engine.hasGateway(hold.gateway)) {
      // Another sweeper (one that has this gateway configured) must act; nothing is written here.
      engine.logger.error({ holdId: hold.id, gateway: hold.gateway }, 'due hold for a gateway this sweeper does not have');
      await releaseOnly();
      return finish('skipped', null, `gateway ${hold.gateway} is not configured in this sweeper`);
    }
    switch (plan.kind) {
      case 'skip':
        await releaseOnly();
        return finish('skipped', null, plan.reason);
      case 'expire':
        return await expire();
      case 'flag': {
        const { hold: next } = await engine.commit(hold, { type: 'FLAG', reason: plan.reason, at: now }, 'sweeper', { fence: done });
        return finish('flagged', next, plan.reason);
      }
      case 'capture':
      case 'void': {
        const { captureCount } = hold.context;
        // The same keys the API uses: whichever of the two commits its intent first is the one sent.
        const event =
          plan.kind === 'capture'
            ? ({ type: 'CAPTURE', amount: plan.amount, final: true, idempotencyKey: captureKey(hold.id, captureCount + 1), at: now } as const)
            : ({ type: 'VOID', idempotencyKey: voidKey(hold.id, captureCount), at: now } as const);
        const { hold: inFlight } = await engine.commit(hold, event, 'sweeper', { fence: keep });
        crashPoint('after-intent');
        const result = await engine.perform(inFlight, 'sweeper', { resumed: false, fence: done, callSlot });
        crashPoint('after-result');
        return finish(result.outcome, result.stored, result.error?.message);
      }
      case 'extend': {
        const key = reauthorizeKey(hold.id, hold.context.reauthorizeAttempts + 1);
        const event = { type: 'EXTEND', amount: 0, idempotencyKey: key, deadline: plan.deadline, at: now } as const;
        const { hold: inFlight } = await engine.commit(hold, event, 'sweeper', { fence: keep });
        crashPoint('after-intent');
        const result = await engine.perform(inFlight, 'sweeper', { resumed: false, fence: done, callSlot });
        crashPoint('after-result');
        return finish(result.outcome, result.stored, result.error?.message);
      }
      case 'replace': {
        // The original waits (its lease given back) while its replacement, a new hold, authorizes.
        const { replacement } = await startReplacement(engine, hold, hold.context.amount, plan.deadline, 'sweeper', { fence: done });
        const result = await engine.perform(replacement, 'sweeper', { resumed: false, callSlot });
        crashPoint('after-result');
        const settled = await settleReplacement(engine, result.stored, 'sweeper', { callSlot });
        return finishSettled(settled, result);
      }
      case 'settle': {
        const settled = await settleOriginal(engine, hold, 'sweeper', { fence: done, callSlot });
        if (settled === null || settled.outcome === 'waiting' || settled.outcome === 'none') {
          // Nothing to apply at its deadline: it stops waiting and falls back (a replacement authorized
          // later is released when its outcome is applied).
          const deadline = hold.context.pending?.deadline ?? hold.expiresAt;
          if (hold.state === 'extending' && (deadline === null || now >= deadline)) return await expire();
          // Made due by its replacement's write, but nothing to apply yet: due again at its deadline
          // (or at the replacement's next write), not at every pass.
          const due = nextActionAt(hold.state, hold.context, hold.ownActBy, now).nextActionAt;
          await writeAtomically(engine.store, [{ query: releaseLeaseUntil(engine.store.db, hold.id, owner, epoch, hold.nextActionAt, due) }]);
          return finish('skipped', null, settled === null ? 'its replacement hold is missing' : `its replacement ${settled.replacement.id} is still ${settled.replacement.state}`);
        }
        return finishSettled(settled, null);
      }
      case 'retry': {
        // An earlier attempt under this key may have reached the gateway: the answer must be definitive.
        const result = await engine.perform(hold, 'sweeper', { resumed: true, fence: done, callSlot });
        crashPoint('after-result');
        // A replacement's authorization settled: the hold it replaces learns it now.
        await settleIfReplacement(engine, result.stored, 'sweeper', { callSlot });
        return finish(result.outcome, result.stored, result.error?.message);
      }
      default: {
        const never: never = plan;
        throw new Error(`unhandled plan ${JSON.stringify(never)}`);
      }
    }
  } catch (error) {
    // What is left is a write that could not be made: another writer won (conflict), or storage failed.
    if (error instanceof ConflictError) {
      // Somebody else (the API, or a sweeper that took over) changed the hold: give back what is ours.
      await releaseOnly().catch(() => undefined);
      const after = await findHold(engine.store.db, hold.id).catch(() => undefined);
      return { ...finish('conflict', after ?? null, error.message) };
    }
    const message = error instanceof Error ? error.message : String(error);
    engine.logger.error({ holdId: hold.id, err: message, code: error instanceof HoldfastError ? error.code : undefined }, 'sweep could not act on hold');
    return finish('error', null, message);
  }
}

function item(hold: StoredHold, plan: Plan, outcome: SweepOutcome, stateAfter: HoldState | null, ms: number): SweepItem {
  const amount = plan.kind === 'capture' ? plan.amount : plan.kind === 'void' ? hold.context.amount - hold.context.capturedAmount : null;
  return {
    holdId: hold.id,
    orderId: hold.orderId,
    gateway: hold.gateway,
    action: plan.kind,
    amount,
    currency: hold.currency,
    outcome,
    stateBefore: hold.state,
    stateAfter,
    ms: Math.round(ms * 100) / 100,
  };
}
