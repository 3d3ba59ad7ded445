// One sweep pass: claim due holds under a lease, decide per hold, act with bounded concurrency, and
// report. Exclusion between sweeper processes comes from the database (claim + fencing epoch);
// node-cron only decides when a pass starts.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HoldState } from '../../machines/hold.machine.js';
import { readSnapshot, toHold, type HoldRow } from '../../db/hold-mapper.js';
import { findHoldRow } from '../../db/holds.repository.js';
import { claimDueHolds, findDueHolds, releaseLease } from '../../db/sweeper.repository.js';
import { writeAtomically } from '../../db/connection.js';
import type { HoldEngine } from '../holds/hold-engine.js';
import { crashPoint } from '../holds/crash-point.js';
import { HoldfastError } from '../errors.js';
import { planFor, type Plan } from './plan.js';
import { captureKey, voidKey } from '../../machines/idempotency-keys.js';
import { parseAuthorizeRequest } from '../holds/authorize-request.js';
import { forEachLimited } from './pool.js';
import type { Hold } from '../holds/types.js';

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
  /** Stop claiming new batches once aborted (graceful shutdown); calls in flight finish. */
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

/** A lease owner name unique to this process and pass. */
export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Runs one sweep pass over every due hold and reports what happened to each. */
export async function sweep(engine: HoldEngine, options: SweepOptions = {}): Promise<SweepReport> {
  const owner = options.owner ?? defaultOwner();
  const concurrency = options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
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
  if (options.dryRun) {
    for (const row of await findDueHolds(engine.store.db, startedAt, maxItems)) record(dryItem(row, startedAt));
  } else {
    const attempts = new Map<string, number>();
    let claimedTotal = 0;
    while (!options.signal?.aborted) {
      const claimed = await claimDueHolds(engine.store.db, {
        owner,
        now: engine.clock.now(),
        leaseMs,
        limit: batchSize,
        skipLocked: engine.store.dialect === 'postgres',
      });
      if (claimed.length === 0) break;
      crashPoint('after-claim');
      claimedTotal += claimed.length;
      // A hold is acted on once per pass, twice when a declined capture is followed by its void;
      // anything more would be a loop, so it waits for the next pass.
      const fresh: HoldRow[] = [];
      const again: HoldRow[] = [];
      for (const row of claimed) {
        const count = (attempts.get(row.id) ?? 0) + 1;
        attempts.set(row.id, count);
        (count <= 2 ? fresh : again).push(row);
      }
      // Give those leases straight back so the next pass (not this one) can act on them.
      if (again.length > 0) {
        await writeAtomically(engine.store, again.map((row) => ({ query: releaseLease(engine.store.db, row.id, owner, Number(row.lease_epoch)) })));
      }
      await forEachLimited(fresh, concurrency, async (row) => {
        if (options.signal?.aborted) {
          // Shutting down: claimed but not started, so the lease goes straight back.
          await writeAtomically(engine.store, [{ query: releaseLease(engine.store.db, row.id, owner, Number(row.lease_epoch)) }]);
          return;
        }
        const item = await actOn(engine, row, owner);
        record(item);
        // Only a declined capture earns a second action in the same pass (releasing the hold).
        // Holds that cannot come due again in this pass are forgotten, so memory stays flat.
        if (item.outcome === 'approved' || item.outcome === 'expired' || item.outcome === 'flagged') attempts.delete(row.id);
        else if (item.outcome !== 'declined' || item.action !== 'capture') attempts.set(row.id, 2);
        options.onProgress?.(done, claimedTotal);
      });
      if (fresh.length === 0) break;
    }
  }
  const report: SweepReport = {
    owner,
    dryRun: options.dryRun ?? false,
    startedAt,
    finishedAt: engine.clock.now(),
    items,
    itemsOmitted: done - items.length,
    totals,
  };
  engine.logger.info({ owner, dryRun: report.dryRun, holds: done, totals }, 'sweep finished');
  return report;
}

function planOf(row: HoldRow, now: number): { plan: Plan; state: HoldState } {
  const { value, context } = readSnapshot(row);
  // Only an authorizing hold is re-sent from its stored request; a request that carried a card cannot be.
  const canResendAuthorize = value === 'authorizing' && !parseAuthorizeRequest(row.authorize_request).hasCard;
  const plan = planFor({ state: value, context, actBy: row.act_by === null ? null : Number(row.act_by), canResendAuthorize }, now);
  return { plan, state: value };
}

function dryItem(row: HoldRow, now: number): SweepItem {
  try {
    const { plan, state } = planOf(row, now);
    return item(row, plan, state, 'planned', null, 0);
  } catch (error) {
    return { ...item(row, { kind: 'skip', reason: 'unreadable' }, row.state as HoldState, 'error', null, 0), message: messageOf(error) };
  }
}

// Acts on one claimed hold. Every write carries the lease epoch; the last one gives the lease back.
async function actOn(engine: HoldEngine, row: HoldRow, owner: string): Promise<SweepItem> {
  const started = performance.now();
  const now = engine.clock.now();
  const epoch = Number(row.lease_epoch);
  const keep = { epoch, release: false };
  const done = { epoch, release: true };
  let plan: Plan = { kind: 'skip', reason: 'unread' };
  const stateBefore = row.state as HoldState;
  const finish = (outcome: SweepOutcome, hold: Hold | null, message?: string): SweepItem => ({
    ...item(row, plan, stateBefore, outcome, hold?.state ?? null, performance.now() - started),
    ...(message === undefined ? {} : { message }),
  });
  try {
    plan = planOf(row, now).plan;
    if ((plan.kind === 'capture' || plan.kind === 'void' || plan.kind === 'retry') && !engine.hasGateway(row.gateway)) {
      // Another sweeper (one that has this gateway configured) must act; nothing is written here.
      engine.logger.error({ holdId: row.id, gateway: row.gateway }, 'due hold for a gateway this sweeper does not have');
      await writeAtomically(engine.store, [{ query: releaseLease(engine.store.db, row.id, owner, epoch) }]);
      return finish('skipped', null, `gateway ${row.gateway} is not configured in this sweeper`);
    }
    switch (plan.kind) {
      case 'skip':
        await writeAtomically(engine.store, [{ query: releaseLease(engine.store.db, row.id, owner, epoch) }]);
        return finish('skipped', null, plan.reason);
      case 'expire': {
        const { row: next } = await engine.commit(row, { type: 'EXPIRE', at: now }, 'sweeper', { fence: done });
        crashPoint('after-result');
        return finish(next.state === 'needs_attention' ? 'flagged' : 'expired', toHold(next));
      }
      case 'flag': {
        const { row: next } = await engine.commit(row, { type: 'FLAG', reason: plan.reason, at: now }, 'sweeper', { fence: done });
        return finish('flagged', toHold(next), plan.reason);
      }
      case 'capture':
      case 'void': {
        const { captureCount } = readSnapshot(row).context;
        // The same keys the API uses: whichever of the two commits its intent first is the one sent.
        const event =
          plan.kind === 'capture'
            ? ({ type: 'CAPTURE', amount: plan.amount, final: true, idempotencyKey: captureKey(row.id, captureCount + 1), at: now } as const)
            : ({ type: 'VOID', idempotencyKey: voidKey(row.id, captureCount), at: now } as const);
        const { row: inFlight } = await engine.commit(row, event, 'sweeper', { fence: keep });
        crashPoint('after-intent');
        const result = await engine.perform(inFlight, 'sweeper', { resumed: false, fence: done });
        crashPoint('after-result');
        return finish(result.outcome, result.hold, result.error?.message);
      }
      case 'retry': {
        // An earlier attempt under this key may have reached the gateway: the answer must be definitive.
        const result = await engine.perform(row, 'sweeper', { resumed: true, fence: done });
        crashPoint('after-result');
        return finish(result.outcome, result.hold, result.error?.message);
      }
      default: {
        const never: never = plan;
        throw new Error(`unhandled plan ${JSON.stringify(never)}`);
      }
    }
  } catch (error) {
    const outcome = outcomeOf(error);
    if (outcome === 'conflict') {
      // Somebody else (the API, or a sweeper that took over) changed the hold: give back what is ours.
      await writeAtomically(engine.store, [{ query: releaseLease(engine.store.db, row.id, owner, epoch) }]).catch(() => undefined);
    }
    if (outcome === 'error') engine.logger.error({ holdId: row.id, err: messageOf(error) }, 'sweep could not act on hold');
    const after = await findHoldRow(engine.store.db, row.id).catch(() => undefined);
    return { ...finish(outcome, null, messageOf(error)), stateAfter: (after?.state as HoldState | undefined) ?? null };
  }
}

function outcomeOf(error: unknown): SweepOutcome {
  if (!(error instanceof HoldfastError)) return 'error';
  switch (error.code) {
    case 'GATEWAY_DECLINED':
      return 'declined';
    case 'GATEWAY_UNKNOWN_OUTCOME':
      return 'unknown';
    case 'GATEWAY_UNAVAILABLE':
      return 'unavailable';
    case 'GATEWAY_MISCONFIGURED':
      return 'misconfigured';
    case 'CONFLICT':
      return 'conflict';
    default:
      return 'error';
  }
}

function item(row: HoldRow, plan: Plan, stateBefore: HoldState, outcome: SweepOutcome, stateAfter: HoldState | null, ms: number): SweepItem {
  const amount = plan.kind === 'capture' ? plan.amount : plan.kind === 'void' ? Number(row.amount) - Number(row.captured_amount) : null;
  return {
    holdId: row.id,
    orderId: row.order_id,
    gateway: row.gateway,
    action: plan.kind,
    amount,
    currency: row.currency,
    outcome,
    stateBefore,
    stateAfter,
    ms: Math.round(ms * 100) / 100,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
