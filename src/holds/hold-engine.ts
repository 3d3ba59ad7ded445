// The host loop around the pure machine: restore a hold's snapshot, compute the next one with
// `transition()`, persist it under a version check, and only then perform the gateway call it names.
// The embedded API and the sweeper both act on holds through this class.
import { transition } from 'xstate';
import type { Logger } from 'pino';
import type { Updateable } from 'kysely';
import {
  holdMachine,
  type HoldContext,
  type HoldEvent,
  type HoldState,
  type PendingOperation,
} from '../../machines/hold.machine.js';
import { type Store, writeAtomically, type WriteStep } from '../../db/connection.js';
import type { HoldsTable } from '../../db/schema.js';
import { type HoldRow, readSnapshot, toHold } from '../../db/hold-mapper.js';
import { findHoldRowByGatewayRef, insertExchange, insertTransition, updateHoldIfVersion } from '../../db/holds.repository.js';
import type { Clock } from '../clock.js';
import { deadlines, type ExpiryPolicy } from '../policy/expiry-policy.js';
import type {
  AuthorizeApproved,
  AuthorizeOutcome,
  CaptureOutcome,
  CardInput,
  ExchangeRecord,
  Gateway,
  VoidOutcome,
} from '../gateways/types.js';
import {
  ConflictError,
  GatewayDeclinedError,
  GatewayMisconfiguredError,
  GatewayUnavailableError,
  GatewayUnknownOutcomeError,
  HoldfastError,
  InvalidTransitionError,
} from '../errors.js';
import { nextActionAt } from './next-action.js';
import { nextRetryAt } from './backoff.js';
import { newExchangeId } from './ids.js';
import { redactExchange } from '../gateways/redact.js';
import type { Actor, Hold } from './types.js';
import { crashPoint } from './crash-point.js';
import { eventsForTransition } from '../webhooks/events.js';
import { outboxInsert } from '../webhooks/outbox.js';

/** The result of one gateway call, as the engine records it. */
type Outcome = AuthorizeOutcome | CaptureOutcome | VoidOutcome;

/** Extra column values that an event brings which the machine's context does not hold. */
type ExtraColumns = Pick<
  Updateable<HoldsTable>,
  'gateway_ref' | 'card_type' | 'masked_card' | 'authorized_at' | 'expires_at' | 'act_by' | 'on_expiry_explicit'
>;

/** A sweeper's lease on a hold: its writes must match the epoch; the last one gives the lease back. */
export interface Fence {
  epoch: number;
  release: boolean;
}

/** A gateway call's outcome written together with the event it produced. */
interface Exchange {
  record: ExchangeRecord;
  outcome: Outcome['kind'];
}

// A gateway's own authorization time is trusted only this close to ours; otherwise ours is used.
const PLAUSIBLE_CLOCK_SKEW_MS = 10 * 60_000;

/** What observers (metrics) learn about each gateway exchange. */
export interface ExchangeObservation {
  gateway: string;
  operation: string;
  outcome: Outcome['kind'];
  latencyMs: number;
}

/** Restores, transitions and persists holds, and performs the gateway calls they name. */
export class HoldEngine {
  private readonly exchangeObservers: ((observation: ExchangeObservation) => void)[] = [];

  constructor(
    readonly store: Store,
    private readonly gateways: ReadonlyMap<string, Gateway>,
    readonly policy: ExpiryPolicy,
    readonly clock: Clock,
    readonly logger: Logger,
  ) {}

  /** Registers a listener told about every gateway exchange (for metrics); returns its remover. */
  onExchange(listener: (observation: ExchangeObservation) => void): () => void {
    this.exchangeObservers.push(listener);
    return () => this.exchangeObservers.splice(this.exchangeObservers.indexOf(listener), 1);
  }

  /** True when a gateway of that name is configured here. */
  hasGateway(name: string): boolean {
    return this.gateways.has(name);
  }

  /** The gateway registered under `name`, or a clear error. */
  gateway(name: string): Gateway {
    const gateway = this.gateways.get(name);
    if (!gateway) {
      throw new HoldfastError('GATEWAY_NOT_CONFIGURED', `gateway ${JSON.stringify(name)} is not configured (configured: ${[...this.gateways.keys()].join(', ') || 'none'})`, { usage: true });
    }
    return gateway;
  }

  /** The snapshot `event` would lead to, without persisting it; throws when the state refuses it. */
  preview(row: HoldRow, event: HoldEvent): { value: HoldState; context: HoldContext } {
    const snapshot = this.restore(row);
    if (!snapshot.can(event)) throw new InvalidTransitionError(row.id, String(snapshot.value), describeEvent(event));
    const [next] = transition(holdMachine, snapshot, event);
    return { value: next.value as HoldState, context: next.context };
  }

  /**
   * Applies `event` to the hold and persists the result under a version check, with its journal line
   * and (when given) the exchange that produced it, in one transaction. Throws ConflictError when
   * the row changed since it was read, InvalidTransitionError when the state does not accept `event`.
   */
  async commit(
    row: HoldRow,
    event: HoldEvent,
    actor: Actor,
    options: { exchange?: Exchange; columns?: ExtraColumns; detail?: Record<string, unknown>; fence?: Fence } = {},
  ): Promise<{ row: HoldRow; effects: PendingOperation[] }> {
    const snapshot = this.restore(row);
    if (!snapshot.can(event)) {
      throw new InvalidTransitionError(row.id, String(snapshot.value), describeEvent(event));
    }
    const [next, actions] = transition(holdMachine, snapshot, event);
    const state = next.value as HoldState;
    const context = next.context;
    const now = event.at;
    const actBy = options.columns?.act_by !== undefined ? options.columns.act_by : row.act_by;
    const patch = {
      ...options.columns,
      state,
      amount: context.amount,
      captured_amount: context.capturedAmount,
      on_expiry: context.onExpiry,
      on_expiry_amount: context.onExpiryAmount,
      snapshot: JSON.stringify({ value: state, context }),
      next_action_at: nextActionAt(state, context, actBy === null || actBy === undefined ? null : Number(actBy), now),
      updated_at: now,
      ...(options.fence?.release ? { lease_owner: null, lease_expires_at: null } : {}),
    } satisfies Updateable<HoldsTable>;
    const exchange = options.exchange;
    const db = this.store.db;
    const steps: WriteStep[] = [
      { query: updateHoldIfVersion(db, row.id, Number(row.version), patch, options.fence?.epoch), guard: true },
      {
        query: insertTransition(db, {
          hold_id: row.id,
          seq: Number(row.version) + 1,
          from_state: String(snapshot.value),
          to_state: state,
          event: event.type,
          actor,
          detail: options.detail ? JSON.stringify(options.detail) : null,
          at: now,
        }),
      },
    ];
    if (exchange) steps.push({ query: this.exchangeInsert(row.id, exchange, now) });
    const nextRow = { ...row, ...patch, version: Number(row.version) + 1 } as HoldRow;
    // Webhook events go into the outbox in the same transaction: never lost, never sent for a write that lost.
    for (const type of eventsForTransition(event, snapshot.value as HoldState, state, snapshot.context)) {
      steps.push({ query: outboxInsert(db, type, nextRow, now) });
    }
    if (!(await writeAtomically(this.store, steps))) {
      // The gateway answered even though our write lost: the exchange must still be on record.
      if (exchange) await writeAtomically(this.store, [{ query: this.exchangeInsert(row.id, exchange, now) }]);
      throw new ConflictError(row.id);
    }
    const effects = actions.filter((a) => a.type === 'callGateway').map((a) => a.params as PendingOperation);
    return { row: nextRow, effects };
  }

  /**
   * Performs the hold's pending gateway call under its idempotency key and applies the outcome as an
   * event. Returns the updated hold, or throws the typed error that the outcome means (after the
   * outcome has been persisted).
   */
  async perform(
    row: HoldRow,
    actor: Actor,
    extra: { card?: CardInput | undefined; metadata?: Record<string, unknown> | undefined; fence?: Fence } = {},
  ): Promise<Hold> {
    const { context } = readSnapshot(row);
    const pending = context.pending;
    if (!pending) throw new InvalidTransitionError(row.id, row.state, 'perform a gateway call', 'nothing is in flight');
    const gateway = this.gateway(row.gateway);
    const base = { idempotencyKey: pending.idempotencyKey, currency: row.currency };
    let outcome: Outcome;
    crashPoint('before-send');
    try {
      if (pending.operation === 'authorize') {
        outcome = await gateway.authorize({
          ...base,
          amount: pending.amount,
          subscriptionId: row.subscription_id ?? undefined,
          orderId: row.order_id ?? undefined,
          card: extra.card,
          metadata: extra.metadata,
        });
      } else {
        const ref = row.gateway_ref ?? '';
        const call = { ...base, gatewayRef: ref, subscriptionId: row.subscription_id, amount: pending.amount };
        outcome = pending.operation === 'capture' ? await gateway.capture(call) : await gateway.void(call);
      }
    } catch (error) {
      if (error instanceof HoldfastError && error.usage) {
        // The adapter refused to build the request: nothing was sent, and the caller's input is at fault.
        await this.commit(row, { type: 'OPERATION_NOT_SENT', reason: error.message, at: this.clock.now() }, actor, extra.fence ? { fence: { epoch: extra.fence.epoch, release: true } } : {});
        throw error;
      }
      // An adapter that throws anything else broke its contract; what reached the gateway is unknown.
      this.logger.error({ holdId: row.id, operation: pending.operation, err: errorSummary(error) }, 'gateway adapter threw');
      outcome = {
        kind: 'unknown',
        reason: `adapter error: ${errorSummary(error)}`,
        exchange: { operation: pending.operation, idempotencyKey: pending.idempotencyKey, httpStatus: null, request: null, response: null, latencyMs: 0, gatewayCode: null, message: errorSummary(error) },
      };
    }
    crashPoint('after-response');
    return this.applyOutcome(row, pending, outcome, actor, extra.fence && { epoch: extra.fence.epoch, release: true });
  }

  /** Turns a gateway outcome into the machine's event, persists it, and throws what it means. */
  private async applyOutcome(row: HoldRow, pending: PendingOperation, outcome: Outcome, actor: Actor, fence?: Fence): Promise<Hold> {
    const now = this.clock.now();
    const exchange: Exchange = { record: outcome.exchange, outcome: outcome.kind };
    const commit = (event: HoldEvent, options: { columns?: ExtraColumns } = {}) =>
      this.commit(row, event, actor, { exchange, ...options, ...(fence ? { fence } : {}) });
    const expiresAt = row.expires_at === null ? null : Number(row.expires_at);
    const log = { holdId: row.id, operation: pending.operation, idempotencyKey: pending.idempotencyKey, outcome: outcome.kind };
    for (const observer of this.exchangeObservers) {
      observer({ gateway: row.gateway, operation: pending.operation, outcome: outcome.kind, latencyMs: outcome.exchange.latencyMs });
    }
    switch (outcome.kind) {
      case 'approved': {
        this.logger.info(log, 'gateway approved');
        if (pending.operation === 'authorize') {
          const approved = outcome as AuthorizeApproved;
          const authorizedAt = plausibleTime(approved.authorizedAt, now);
          const { expiresAt: exp, actBy } = deadlines(this.policy, row.gateway, approved.cardType, authorizedAt);
          try {
            const { row: next } = await commit(
              { type: 'AUTHORIZED', amount: approved.amount, authorizedAt, expiresAt: exp, at: now },
              {
                columns: {
                  gateway_ref: approved.gatewayRef,
                  card_type: approved.cardType,
                  masked_card: approved.maskedCard ?? null,
                  authorized_at: authorizedAt,
                  expires_at: exp,
                  act_by: actBy,
                },
              },
            );
            return toHold(next);
          } catch (error) {
            if (error instanceof HoldfastError) throw error;
            // The gateway answered with a reference another hold already has (unique per gateway):
            // never guess which hold the money belongs to; record the answer and hand it to an operator.
            const owner = await findHoldRowByGatewayRef(this.store.db, row.gateway, approved.gatewayRef);
            if (!owner) throw error;
            const reason = `the gateway authorized under reference ${approved.gatewayRef}, which hold ${owner.id} already has`;
            await commit({ type: 'FLAG', reason, at: now });
            throw new HoldfastError('DUPLICATE_GATEWAY_REF', `hold ${row.id}: ${reason}; it needs an operator`, {
              details: { holdId: row.id, otherHoldId: owner.id, gatewayRef: approved.gatewayRef },
            });
          }
        }
        const event: HoldEvent =
          pending.operation === 'capture'
            ? { type: 'CAPTURE_APPROVED', amount: 'amount' in outcome ? (outcome.amount as number) : pending.amount, at: now }
            : { type: 'VOID_APPROVED', at: now };
        const { row: next } = await commit(event);
        return toHold(next);
      }
      case 'declined': {
        this.logger.warn({ ...log, code: outcome.code }, 'gateway declined');
        const event: HoldEvent =
          pending.operation === 'authorize'
            ? { type: 'AUTHORIZE_DECLINED', code: outcome.code, message: outcome.message, at: now }
            : { type: 'OPERATION_DECLINED', code: outcome.code, message: outcome.message, at: now };
        await commit(event);
        throw new GatewayDeclinedError(row.id, outcome.code, outcome.message, pending.operation);
      }
      case 'misconfigured': {
        this.logger.error({ ...log, code: outcome.code }, 'gateway rejected the configuration');
        await commit({ type: 'OPERATION_NOT_SENT', reason: `${outcome.code} ${outcome.message}`, at: now });
        throw new GatewayMisconfiguredError(row.gateway, outcome.code, outcome.message);
      }
      case 'unavailable': {
        this.logger.warn({ ...log, reason: outcome.reason }, 'gateway unavailable');
        await commit({ type: 'OPERATION_NOT_SENT', reason: outcome.reason, at: now });
        throw new GatewayUnavailableError(row.id, pending.operation, outcome.reason);
      }
      case 'unknown': {
        this.logger.warn({ ...log, reason: outcome.reason }, 'gateway outcome unknown');
        const retryAt = nextRetryAt(now, pending.unknownAttempts + 1, expiresAt);
        await commit({ type: 'OUTCOME_UNKNOWN', reason: outcome.reason, retryAt, at: now });
        throw new GatewayUnknownOutcomeError(row.id, pending.operation, outcome.reason);
      }
      default: {
        const never: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(never)}`);
      }
    }
  }

  private exchangeInsert(holdId: string, exchange: Exchange, at: number) {
    const record = redactExchange(exchange.record);
    return insertExchange(this.store.db, {
      id: newExchangeId(),
      hold_id: holdId,
      operation: record.operation,
      idempotency_key: record.idempotencyKey,
      http_status: record.httpStatus,
      outcome: exchange.outcome,
      gateway_code: record.gatewayCode,
      message: record.message,
      request: record.request === null || record.request === undefined ? null : JSON.stringify(record.request),
      response: record.response === null || record.response === undefined ? null : JSON.stringify(record.response),
      latency_ms: Math.round(record.latencyMs),
      at,
    });
  }

  private restore(row: HoldRow) {
    const { value, context } = readSnapshot(row);
    return holdMachine.resolveState({ value, context });
  }
}

/** A gateway's time if it is within a plausible skew of ours (the earlier of the two), else ours. */
function plausibleTime(gatewayTime: number | null, now: number): number {
  if (gatewayTime === null || !Number.isFinite(gatewayTime)) return now;
  if (Math.abs(gatewayTime - now) > PLAUSIBLE_CLOCK_SKEW_MS) return now;
  return Math.min(gatewayTime, now);
}

function describeEvent(event: HoldEvent): string {
  switch (event.type) {
    case 'CAPTURE':
      return 'capture';
    case 'VOID':
      return 'void';
    case 'SET_ON_EXPIRY':
      return 'change the on-expiry plan of';
    case 'EXPIRE':
      return 'expire';
    default:
      return `apply ${event.type} to`;
  }
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
