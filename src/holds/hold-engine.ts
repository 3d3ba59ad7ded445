// The host loop around the pure machine: restore a hold's snapshot, compute the next one with
// `transition()`, persist it under a version check, and only then perform the gateway call it names.
// The embedded API and the sweeper both act on holds through this class.
import { transition } from 'xstate';
import type { Logger } from 'pino';
import type { Updateable } from 'kysely';
import {
  holdMachine,
  HOLD_MACHINE_VERSION,
  IN_FLIGHT_STATES,
  type HoldContext,
  type HoldEvent,
  type HoldState,
  type PendingOperation,
} from '../../machines/hold.machine.js';
import { authorizationTime, eventForAnswer, type GatewayAnswer } from '../../machines/gateway-answer.js';
import { nextRetryAt } from '../../machines/retry-schedule.js';
import { type Store, writeAtomically, type WriteStep } from '../../db/connection.js';
import type { HoldsTable } from '../../db/schema.js';
import { type HoldRow, readSnapshot, toHold } from '../../db/hold-mapper.js';
import { findHoldRowByGatewayRef, insertExchange, insertTransition, updateHoldIfVersion } from '../../db/holds.repository.js';
import type { Clock } from '../clock.js';
import { type ExpiryPolicy, windowFor } from '../policy/expiry-policy.js';
import type { AuthorizeOutcome, CaptureOutcome, CardInput, ExchangeRecord, Gateway, VoidOutcome } from '../gateways/types.js';
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
import { newExchangeId } from './ids.js';
import { redactExchange, redactText, type RedactOptions } from '../gateways/redact.js';
import type { Actor, Hold } from './types.js';
import { crashPoint } from './crash-point.js';
import { eventsForTransition } from '../webhooks/events.js';
import { outboxInsert } from '../webhooks/outbox.js';
import { parseAuthorizeRequest } from './authorize-request.js';

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

/** How a write is made: the exchange that produced it, extra columns, journal detail, a lease, known references. */
export interface CommitOptions {
  exchange?: Exchange;
  columns?: ExtraColumns;
  detail?: Record<string, unknown>;
  fence?: Fence;
  /** More values that are gateway references, kept whole when the event's text is redacted. */
  references?: readonly (string | null)[];
}

/** What observers (metrics) learn about each gateway exchange. */
export interface ExchangeObservation {
  gateway: string;
  operation: string;
  outcome: Outcome['kind'];
  latencyMs: number;
}

/** How one performed call ended for the hold. */
export type PerformOutcome = 'approved' | 'declined' | 'unknown' | 'unavailable' | 'misconfigured' | 'flagged';

/** What `perform` did: the hold as persisted, how the call ended, and the error an API caller gets (null on approval). */
export interface PerformResult {
  row: HoldRow;
  hold: Hold;
  outcome: PerformOutcome;
  error: HoldfastError | null;
}

/** Options of one performed call. */
export interface PerformOptions {
  /** Card data for an authorization that carried it (in memory only). */
  card?: CardInput | undefined;
  /**
   * This call resumes an earlier attempt under the same key (after an unknown outcome, or after the
   * process that committed the intent died): an answer that is not definitive keeps it in flight.
   */
  resumed: boolean;
  fence?: Fence | undefined;
}

/** Restores, transitions and persists holds, and performs the gateway calls they name. */
export class HoldEngine {
  private readonly exchangeObservers: ((observation: ExchangeObservation) => void)[] = [];
  private readonly secrets: readonly string[];

  constructor(
    readonly store: Store,
    private readonly gateways: ReadonlyMap<string, Gateway>,
    readonly policy: ExpiryPolicy,
    readonly clock: Clock,
    readonly logger: Logger,
    extraSecrets: readonly string[] = [],
  ) {
    this.secrets = [...extraSecrets, ...[...gateways.values()].flatMap((g) => g.secrets ?? [])];
  }

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

  /** Free text with configured secrets removed and card numbers masked: safe to store and log. */
  redactText(text: string, references: readonly string[] = []): string {
    return redactText(text, this.redaction(references));
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
   * A gateway exchange is on record even when the write fails.
   */
  async commit(
    row: HoldRow,
    event: HoldEvent,
    actor: Actor,
    options: CommitOptions = {},
  ): Promise<{ row: HoldRow; effects: PendingOperation[] }> {
    const exchange = options.exchange;
    try {
      return await this.commitOnce(row, this.redactEvent(row, event, options.references ?? []), actor, options);
    } catch (error) {
      // The gateway answered even though our write did not land: the exchange must still be on record.
      if (exchange) await writeAtomically(this.store, [{ query: this.exchangeInsert(row, exchange, event.at) }]).catch(() => undefined);
      throw error;
    }
  }

  private async commitOnce(
    row: HoldRow,
    event: HoldEvent,
    actor: Actor,
    options: CommitOptions,
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
      machine_version: HOLD_MACHINE_VERSION,
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
    if (exchange) steps.push({ query: this.exchangeInsert(row, exchange, now) });
    const nextRow = { ...row, ...patch, version: Number(row.version) + 1 } as HoldRow;
    // Webhook events go into the outbox in the same transaction: never lost, never sent for a write that lost.
    for (const type of eventsForTransition(event, snapshot.value as HoldState, state, snapshot.context)) {
      steps.push({ query: outboxInsert(db, type, nextRow, now) });
    }
    if (!(await writeAtomically(this.store, steps))) throw new ConflictError(row.id);
    const effects = actions.filter((a) => a.type === 'callGateway').map((a) => a.params as PendingOperation);
    return { row: nextRow, effects };
  }

  /**
   * Performs the hold's pending gateway call under its idempotency key and applies the answer as an
   * event. Returns what happened; `error` is what an API caller should be told (null on approval).
   * Throws only when the hold cannot be written (ConflictError, storage errors) or nothing is pending.
   */
  async perform(row: HoldRow, actor: Actor, options: PerformOptions): Promise<PerformResult> {
    const { context } = readSnapshot(row);
    const pending = context.pending;
    if (!pending) throw new InvalidTransitionError(row.id, row.state, 'perform a gateway call', 'nothing is in flight');
    const gateway = this.gateway(row.gateway);
    const fence = options.fence && { epoch: options.fence.epoch, release: true };
    let outcome: Outcome;
    crashPoint('before-send');
    try {
      outcome = await this.send(gateway, row, pending, options.card);
    } catch (error) {
      if (error instanceof HoldfastError && error.usage) {
        // The adapter (or holdfast) refused to build the request: nothing was sent.
        const at = this.clock.now();
        const event: HoldEvent = { type: 'OPERATION_NOT_SENT', code: error.code, reason: error.message, resumed: options.resumed, retryAt: this.retryAt(pending, at), at };
        const { row: next } = await this.commit(row, event, actor, fence ? { fence } : {});
        return this.result(next, event, error);
      }
      // An adapter that throws anything else broke its contract; what reached the gateway is unknown.
      const summary = this.redactText(errorSummary(error), this.references(row));
      this.logger.error({ holdId: row.id, operation: pending.operation, err: summary }, 'gateway adapter threw');
      outcome = {
        kind: 'unknown',
        reason: `adapter error: ${summary}`,
        exchange: { operation: pending.operation, idempotencyKey: pending.idempotencyKey, httpStatus: null, request: null, response: null, latencyMs: 0, gatewayCode: null, message: summary },
      };
    }
    crashPoint('after-response');
    return this.applyOutcome(row, pending, outcome, actor, options.resumed, fence);
  }

  // Builds the request from what the hold stores (byte-identical for every attempt under the key).
  private async send(gateway: Gateway, row: HoldRow, pending: PendingOperation, card: CardInput | undefined): Promise<Outcome> {
    const base = { idempotencyKey: pending.idempotencyKey, currency: row.currency };
    if (pending.operation === 'authorize') {
      const request = parseAuthorizeRequest(row.authorize_request);
      if (request.hasCard && card === undefined) {
        throw new HoldfastError(
          'CARD_DATA_REQUIRED',
          'this authorization carried card data, which holdfast never stores, so it cannot be re-sent; pass the card again or resolve the hold',
          { usage: true },
        );
      }
      return gateway.authorize({
        ...base,
        amount: pending.amount,
        subscriptionId: request.subscriptionId,
        orderId: request.orderId,
        card,
        metadata: request.metadata,
      });
    }
    const call = { ...base, gatewayRef: row.gateway_ref ?? '', subscriptionId: row.subscription_id, amount: pending.amount };
    return pending.operation === 'capture' ? gateway.capture(call) : gateway.void(call);
  }

  /** Turns a gateway outcome into the machine's event through the pure mapping, and persists it. */
  private async applyOutcome(row: HoldRow, pending: PendingOperation, outcome: Outcome, actor: Actor, resumed: boolean, fence?: Fence): Promise<PerformResult> {
    const now = this.clock.now();
    const exchange: Exchange = { record: outcome.exchange, outcome: outcome.kind };
    for (const observer of this.exchangeObservers) {
      observer({ gateway: row.gateway, operation: pending.operation, outcome: outcome.kind, latencyMs: outcome.exchange.latencyMs });
    }
    let columns: ExtraColumns | undefined;
    let authorization: { authorizedAt: number; expiresAt: number; amount: number } | undefined;
    if (outcome.kind === 'approved' && 'gatewayRef' in outcome) {
      const authorizedAt = authorizationTime(outcome.authorizedAt, pending.committedAt);
      // The window was checked before the intent was written, so this does not throw for a configured gateway.
      const expiresAt = authorizedAt + windowFor(this.policy, row.gateway, outcome.cardType);
      authorization = { authorizedAt, expiresAt, amount: outcome.amount };
      columns = {
        gateway_ref: outcome.gatewayRef,
        card_type: outcome.cardType,
        masked_card: outcome.maskedCard ?? null,
        authorized_at: authorizedAt,
        expires_at: expiresAt,
        act_by: expiresAt - this.policy.leadTimeMs,
      };
    }
    const event = eventForAnswer(pending, outcome as GatewayAnswer, {
      at: now,
      resumed,
      retryAt: this.retryAt(pending, now),
      expectedRef: row.gateway_ref,
      authorization,
    });
    const commitOptions = { exchange, ...(columns && event.type === 'AUTHORIZED' ? { columns } : {}), ...(fence ? { fence } : {}) };
    let next: HoldRow;
    try {
      next = (await this.commit(row, event, actor, commitOptions)).row;
    } catch (error) {
      const duplicate = columns?.gateway_ref != null && !(error instanceof HoldfastError)
        ? await findHoldRowByGatewayRef(this.store.db, row.gateway, columns.gateway_ref)
        : undefined;
      if (!duplicate) throw error;
      // The gateway answered with a reference another hold already has (unique per gateway): never
      // guess which hold the money belongs to; the exchange is on record and an operator decides.
      const reason = `the gateway authorized under reference ${String(columns?.gateway_ref)}, which hold ${duplicate.id} already has`;
      const { row: flagged } = await this.commit(row, { type: 'FLAG', reason, at: now }, actor, { references: [columns?.gateway_ref ?? null], ...(fence ? { fence } : {}) });
      return this.result(flagged, { type: 'FLAG', reason, at: now }, new HoldfastError('DUPLICATE_GATEWAY_REF', `hold ${row.id}: ${reason}; it needs an operator`, {
        details: { holdId: row.id, otherHoldId: duplicate.id, gatewayRef: columns?.gateway_ref },
      }));
    }
    const log = { holdId: row.id, operation: pending.operation, idempotencyKey: pending.idempotencyKey, outcome: outcome.kind, event: event.type, state: next.state };
    this.logger.info(log, 'gateway exchange applied');
    return this.result(next, event, null);
  }

  // The result and the error an API caller gets, from the event that was applied.
  private result(row: HoldRow, event: HoldEvent, usageError: HoldfastError | null): PerformResult {
    const hold = toHold(row);
    const operation = hold.pending?.operation ?? hold.lastError?.operation ?? 'operation';
    switch (event.type) {
      case 'AUTHORIZED':
      case 'CAPTURE_APPROVED':
      case 'VOID_APPROVED':
        return { row, hold, outcome: 'approved', error: null };
      case 'OPERATION_DECLINED':
        return { row, hold, outcome: 'declined', error: new GatewayDeclinedError(hold.id, event.code, event.message, hold.lastError?.operation ?? operation) };
      case 'OUTCOME_UNKNOWN':
        return { row, hold, outcome: 'unknown', error: new GatewayUnknownOutcomeError(hold.id, operation, event.reason) };
      case 'OPERATION_NOT_SENT': {
        if ((IN_FLIGHT_STATES as readonly string[]).includes(hold.state)) {
          // Open: an earlier attempt may have taken effect, so the hold stays in flight.
          return { row, hold, outcome: 'unknown', error: new GatewayUnknownOutcomeError(hold.id, operation, event.reason) };
        }
        if (usageError) return { row, hold, outcome: 'unavailable', error: usageError };
        if (event.code === 'GATEWAY_MISCONFIGURED') {
          return { row, hold, outcome: 'misconfigured', error: new GatewayMisconfiguredError(hold.gateway, event.code, event.reason) };
        }
        return { row, hold, outcome: 'unavailable', error: new GatewayUnavailableError(hold.id, operation, event.reason) };
      }
      case 'FLAG':
        return { row, hold, outcome: 'flagged', error: usageError ?? new HoldfastError('NEEDS_ATTENTION', `hold ${hold.id} needs an operator: ${event.reason}`, { details: { holdId: hold.id } }) };
      default:
        throw new Error(`unexpected event ${event.type} after a gateway call`);
    }
  }

  private retryAt(pending: PendingOperation, now: number): number {
    return nextRetryAt(now, pending.unknownAttempts + 1, pending.deadline);
  }

  private redaction(references: readonly string[]): RedactOptions {
    return { secrets: this.secrets, references };
  }

  // Values that are references by role: never masked, even when one happens to pass the Luhn check.
  private references(row: HoldRow, extra: readonly (string | null | undefined)[] = []): string[] {
    const pending = row.snapshot.includes('"pending":{') ? readSnapshot(row).context.pending : null;
    return [row.gateway_ref, row.subscription_id, row.order_id, pending?.idempotencyKey, ...extra].filter((v): v is string => typeof v === 'string' && v !== '');
  }

  // Gateway text reaches lastError, the journal and webhooks through events: redact it first.
  private redactEvent(row: HoldRow, event: HoldEvent, extra: readonly (string | null)[]): HoldEvent {
    const refs = this.references(row, extra);
    switch (event.type) {
      case 'OPERATION_DECLINED':
        return { ...event, code: this.redactText(event.code, refs), message: this.redactText(event.message, refs) };
      case 'OPERATION_NOT_SENT':
      case 'OUTCOME_UNKNOWN':
      case 'FLAG':
        return { ...event, reason: this.redactText(event.reason, refs) };
      case 'RESOLVE':
        return { ...event, reason: this.redactText(event.reason, refs) };
      default:
        return event;
    }
  }

  private exchangeInsert(row: HoldRow, exchange: Exchange, at: number) {
    const record = redactExchange(exchange.record, this.redaction([...this.references(row), exchange.record.idempotencyKey]));
    return insertExchange(this.store.db, {
      id: newExchangeId(),
      hold_id: row.id,
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
    case 'RESOLVE':
      return 'resolve';
    case 'RETRY':
      return 'retry the gateway call of';
    default:
      return `apply ${event.type} to`;
  }
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
