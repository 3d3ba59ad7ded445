// The host loop around the pure machine: compute a hold's next state with the machine's step,
// persist it under a version check, and only then perform the gateway call it names. Gateway
// answers come back as events through the pure mapping in machines/gateway-answer.ts.
import type { Logger } from 'pino';
import { IN_FLIGHT_STATES, type HoldEvent, type PendingOperation } from '../../machines/hold.machine.js';
import { stepHold } from '../../machines/hold-step.js';
import { type AnswerFacts, authorizationTime, eventForAnswer, type GatewayAnswer } from '../../machines/gateway-answer.js';
import { nextRetryAt } from '../../machines/retry-schedule.js';
import { nextActionAt } from '../../machines/next-action.js';
import { commandVerb } from '../../machines/refusal.js';
import { eventsForTransition } from '../../machines/webhook-events.js';
import type { Actor, Hold } from '../../machines/hold-types.js';
import { type Store, writeAtomically, type WriteStep } from '../../db/connection.js';
import { type StoredHold, toHold } from '../../db/stored-hold.js';
import { findHoldIdByGatewayRef, insertExchange, insertTransition, makeReplacedHoldDue, updateHold } from '../../db/holds.repository.js';
import { outboxInsert } from './outbox.js';
import type { Clock } from '../clock.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { type ExpiryPolicy, windowFor } from '../policy/expiry-policy.js';
import type { AuthorizeOutcome, CaptureOutcome, CardInput, ExchangeRecord, Gateway, ReauthorizeOutcome, VoidOutcome } from '../gateways/types.js';
import {
  ConflictError,
  GatewayDeclinedError,
  GatewayMisconfiguredError,
  GatewayUnavailableError,
  GatewayUnknownOutcomeError,
  HoldfastError,
  InvalidTransitionError,
} from '../errors.js';
import { newExchangeId } from './ids.js';
import { formatAmount } from '../money/money.js';
import { redactExchange, redactText, type RedactOptions } from '../gateways/redact.js';
import { crashPoint } from './crash-point.js';
import { parseAuthorizeRequest } from './authorize-request.js';
import { HTTP_GATEWAY_PROFILES } from '../gateways/gateway-registry.js';
import type { EnvVariable } from '../gateways/gateway-definition.js';

/** The result of one gateway call, as the engine records it. */
type Outcome = AuthorizeOutcome | CaptureOutcome | VoidOutcome | ReauthorizeOutcome;

/** Fields an event brings that the machine's context does not hold (an authorization's facts). */
type HoldFacts = Partial<Pick<StoredHold, 'gatewayRef' | 'cardType' | 'maskedCard' | 'authorizedAt' | 'expiresAt' | 'ownActBy' | 'onExpiryExplicit'>>;

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

/** How a write is made: the exchange that produced it, authorization facts, journal detail, a lease, known references. */
export interface CommitOptions {
  exchange?: Exchange;
  facts?: HoldFacts;
  detail?: Record<string, unknown>;
  fence?: Fence;
  /** More values that are gateway references, kept whole when the event's text is redacted. */
  references?: readonly (string | null)[];
  /** More writes that land in the same transaction (a replacement hold's insert). */
  also?: readonly WriteStep[];
}

/** One hold's event in a write of several holds (see commitTogether). */
export interface HoldWrite {
  hold: StoredHold;
  event: HoldEvent;
  options?: Pick<CommitOptions, 'facts' | 'detail' | 'fence'>;
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
  stored: StoredHold;
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
  /**
   * Runs the gateway call itself (the sweeper passes a slot limiter, so that its concurrency bounds
   * calls in flight while the writes before and after them overlap); default: just call.
   */
  callSlot?: (<T>(call: () => Promise<T>) => Promise<T>) | undefined;
}

/** What an engine is set up with besides its store, gateways, policy, clock and logger. */
export interface EngineSettings {
  /** Secrets (a webhook secret, tokens) removed from everything stored or logged, besides the gateways' own. */
  secrets?: readonly string[];
  /** Whether transitions write webhook events to the outbox (default true). */
  webhooks?: boolean;
  config?: ResolvedConfig;
}

/** Applies events to holds and performs the gateway calls they name. */
export class HoldEngine {
  private readonly exchangeObservers: ((observation: ExchangeObservation) => void)[] = [];
  private readonly secrets: readonly string[];
  /** Webhooks are configured: transitions write their events to the outbox (none while off). */
  readonly webhooks: boolean;
  /** The configuration this instance was opened with (null when built directly). */
  readonly config: ResolvedConfig | null;

  constructor(
    readonly store: Store,
    private readonly gateways: ReadonlyMap<string, Gateway>,
    readonly policy: ExpiryPolicy,
    readonly clock: Clock,
    readonly logger: Logger,
    settings: EngineSettings = {},
  ) {
    this.secrets = [...(settings.secrets ?? []), ...[...gateways.values()].flatMap((g) => g.secrets ?? [])];
    this.webhooks = settings.webhooks ?? true;
    this.config = settings.config ?? null;
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
  redactText(text: string, references: readonly (string | null | undefined)[] = []): string {
    return redactText(text, this.redaction(references));
  }

  /**
   * Applies `event` to the hold and persists the result under a version check, with its journal line,
   * its webhook events and (when given) the exchange that produced it, in one transaction. Throws
   * ConflictError when the row changed since it was read, InvalidTransitionError when the state does
   * not accept `event`. A gateway exchange is on record even when the write fails.
   */
  async commit(hold: StoredHold, event: HoldEvent, actor: Actor, options: CommitOptions = {}): Promise<{ hold: StoredHold; effects: PendingOperation[] }> {
    try {
      return await this.commitOnce(hold, this.redactEvent(hold, event, options.references ?? []), actor, options);
    } catch (error) {
      // The gateway answered even though our write did not land: the exchange must still be on record.
      if (options.exchange) await writeAtomically(this.store, [{ query: this.exchangeInsert(hold, options.exchange, event.at) }]).catch(() => undefined);
      throw error;
    }
  }

  private async commitOnce(hold: StoredHold, event: HoldEvent, actor: Actor, options: CommitOptions): Promise<{ hold: StoredHold; effects: PendingOperation[] }> {
    const { next, steps, effects } = this.prepare(hold, event, actor, options);
    if (!(await writeAtomically(this.store, [...steps, ...(options.also ?? [])]))) throw new ConflictError(hold.id);
    return { hold: next, effects };
  }

  /**
   * Applies one event to each of several holds in one transaction (a replaced hold and its
   * replacement): all land or none does. Throws ConflictError naming the first hold when any row changed.
   */
  async commitTogether(writes: readonly HoldWrite[], actor: Actor): Promise<StoredHold[]> {
    const prepared = writes.map((w) => this.prepare(w.hold, this.redactEvent(w.hold, w.event, []), actor, w.options ?? {}));
    if (!(await writeAtomically(this.store, prepared.flatMap((p) => p.steps)))) throw new ConflictError(writes[0]?.hold.id ?? '');
    return prepared.map((p) => p.next);
  }

  // The next stored hold and the writes that persist it (version-checked update, journal line,
  // exchange, webhook events), or InvalidTransitionError when the state does not accept `event`.
  private prepare(hold: StoredHold, event: HoldEvent, actor: Actor, options: CommitOptions): { next: StoredHold; steps: WriteStep[]; effects: PendingOperation[] } {
    const step = stepHold(hold.state, hold.context, event);
    if (!step) throw new InvalidTransitionError(hold.id, hold.state, commandVerb(event));
    const now = event.at;
    const withFacts = { ...hold, ...options.facts };
    const next: StoredHold = {
      ...withFacts,
      state: step.state,
      context: step.context,
      ...nextActionAt(step.state, step.context, withFacts.ownActBy, now),
      version: hold.version + 1,
      updatedAt: now,
      ...(options.fence?.release ? { leaseOwner: null, leaseExpiresAt: null } : {}),
    };
    const db = this.store.db;
    const steps: WriteStep[] = [
      { query: updateHold(db, next, hold, options.fence), guard: true },
      {
        query: insertTransition(db, {
          hold_id: hold.id,
          seq: next.version,
          from_state: hold.state,
          to_state: step.state,
          event: event.type,
          actor,
          detail: options.detail ? JSON.stringify(options.detail) : null,
          at: now,
        }),
      },
    ];
    if (options.exchange) steps.push({ query: this.exchangeInsert(hold, options.exchange, now) });
    // A replacement's authorization settled: the hold it replaces is due, to learn it.
    if (hold.context.replaces !== null && hold.state === 'authorizing' && step.state !== 'authorizing') steps.push({ query: makeReplacedHoldDue(db, hold.context.replaces, now) });
    // Webhook events go into the outbox in the same transaction: never lost, never sent for a write that lost.
    if (this.webhooks) {
      for (const type of eventsForTransition(event, hold.state, step.state, hold.context)) steps.push({ query: outboxInsert(db, type, this.view(next), now) });
    }
    return { next, steps, effects: step.effects };
  }

  /**
   * Performs the hold's pending gateway call under its idempotency key and applies the answer as an
   * event. Returns what happened; `error` is what an API caller should be told (null on approval).
   * Throws only when the hold cannot be written (ConflictError, storage errors) or nothing is pending.
   */
  async perform(hold: StoredHold, actor: Actor, options: PerformOptions): Promise<PerformResult> {
    const pending = hold.context.pending;
    if (!pending) throw new InvalidTransitionError(hold.id, hold.state, 'perform a gateway call', 'nothing is in flight');
    if (pending.operation === 'replace') {
      throw new InvalidTransitionError(hold.id, hold.state, 'perform a gateway call', `nothing is sent for it: its replacement ${pending.replacementId ?? ''} authorizes`);
    }
    const gateway = this.gateway(hold.gateway);
    const fence = options.fence && { epoch: options.fence.epoch, release: true };
    let outcome: Outcome;
    crashPoint('before-send');
    try {
      const call = () => this.send(gateway, hold, pending, options.card);
      outcome = await (options.callSlot ? options.callSlot(call) : call());
    } catch (error) {
      if (error instanceof HoldfastError && error.usage) {
        // The adapter (or holdfast) refused to build the request: nothing was sent.
        const at = this.clock.now();
        const event: HoldEvent = { type: 'OPERATION_NOT_SENT', code: error.code, reason: error.message, resumed: options.resumed, retryAt: this.retryAt(pending, at), at };
        const { hold: next } = await this.commit(hold, event, actor, fence ? { fence } : {});
        return this.result(next, event, error);
      }
      // An adapter that throws anything else broke its contract; what reached the gateway is unknown.
      // Its exchange line (below) carries the summary as its message.
      const summary = this.redactText(errorSummary(error), this.references(hold));
      outcome = {
        kind: 'unknown',
        reason: `adapter error: ${summary}`,
        exchange: { operation: pending.operation, idempotencyKey: pending.idempotencyKey, httpStatus: null, request: null, response: null, latencyMs: 0, gatewayCode: null, message: summary },
      };
    }
    crashPoint('after-response');
    return this.applyOutcome(hold, pending, outcome, actor, options.resumed, fence);
  }

  // Builds the request from what the hold stores (byte-identical for every attempt under the key).
  private async send(gateway: Gateway, hold: StoredHold, pending: PendingOperation, card: CardInput | undefined): Promise<Outcome> {
    const base = { idempotencyKey: pending.idempotencyKey, currency: hold.currency };
    if (pending.operation === 'authorize') {
      const request = parseAuthorizeRequest(hold.authorizeRequest);
      if (request.hasCard && card === undefined) {
        throw new HoldfastError(
          'CARD_DATA_REQUIRED',
          'this authorization carried card data, which holdfast never stores, so it cannot be re-sent; pass the card again or resolve the hold',
          { usage: true },
        );
      }
      return gateway.authorize({ ...base, amount: pending.amount, subscriptionId: request.subscriptionId, orderId: request.orderId, card, metadata: request.metadata });
    }
    const call = { ...base, gatewayRef: hold.gatewayRef ?? '', subscriptionId: hold.subscriptionId, amount: pending.amount };
    if (pending.operation === 'reauthorize') {
      if (!gateway.reauthorize) {
        throw new HoldfastError('EXTENSION_NOT_SUPPORTED', `${gateway.name} cannot reauthorize an authorization`, { usage: true });
      }
      return gateway.reauthorize(call);
    }
    return pending.operation === 'capture' ? gateway.capture(call) : gateway.void(call);
  }

  /**
   * Turns a gateway outcome into the machine's event through the pure mapping, and persists it.
   * Logs exactly one line per exchange, whether or not the result could be written.
   */
  private async applyOutcome(hold: StoredHold, pending: PendingOperation, outcome: Outcome, actor: Actor, resumed: boolean, fence?: Fence): Promise<PerformResult> {
    for (const observer of this.exchangeObservers) {
      observer({ gateway: hold.gateway, operation: pending.operation, outcome: outcome.kind, latencyMs: outcome.exchange.latencyMs });
    }
    let result: PerformResult | null = null;
    try {
      result = await this.applyAnswer(hold, pending, outcome, actor, resumed, fence);
      return result;
    } finally {
      this.logExchange(hold, pending, outcome, result);
    }
  }

  // The exchange's log line: facts about the call, never its bodies; the message is redacted like
  // everything stored (card numbers masked, secrets removed, the hold's references kept whole).
  private logExchange(hold: StoredHold, pending: PendingOperation, outcome: Outcome, result: PerformResult | null): void {
    const record = outcome.exchange;
    const message = record.message === null || record.message === undefined ? null : this.redactText(record.message, [...this.references(hold), pending.idempotencyKey]);
    const line = {
      event: 'gateway_exchange',
      holdId: hold.id,
      gateway: hold.gateway,
      operation: pending.operation,
      idempotencyKey: pending.idempotencyKey,
      outcome: outcome.kind,
      httpStatus: record.httpStatus,
      ms: Math.round(record.latencyMs * 10) / 10,
      message,
      state: result?.hold.state ?? null,
    };
    if (outcome.kind === 'approved' || outcome.kind === 'declined') this.logger.info(line, 'gateway exchange');
    else this.logger.warn(line, 'gateway exchange');
  }

  private async applyAnswer(hold: StoredHold, pending: PendingOperation, outcome: Outcome, actor: Actor, resumed: boolean, fence?: Fence): Promise<PerformResult> {
    const now = this.clock.now();
    const exchange: Exchange = { record: outcome.exchange, outcome: outcome.kind };
    let facts: HoldFacts | undefined;
    let authorization: { authorizedAt: number; expiresAt: number; amount: number } | undefined;
    if (outcome.kind === 'approved' && 'gatewayRef' in outcome) {
      const authorizedAt = authorizationTime(outcome.authorizedAt, pending.committedAt);
      // The window was checked before the intent was written, so this does not throw for a configured gateway.
      const expiresAt = authorizedAt + windowFor(this.policy, hold.gateway, outcome.cardType);
      authorization = { authorizedAt, expiresAt, amount: outcome.amount };
      facts = {
        gatewayRef: outcome.gatewayRef,
        cardType: outcome.cardType,
        maskedCard: outcome.maskedCard ?? null,
        authorizedAt,
        expiresAt,
      };
    }
    let reauthorization: AnswerFacts['reauthorization'];
    if (outcome.kind === 'approved' && 'reauthorizationRef' in outcome) {
      // The window restarts at the reauthorization, never later than the moment its intent was committed.
      const reauthorizedAt = authorizationTime(outcome.authorizedAt, pending.committedAt);
      const expiresAt = reauthorizedAt + windowFor(this.policy, hold.gateway, hold.cardType);
      reauthorization = { amount: outcome.amount, ref: outcome.reauthorizationRef, reauthorizedAt, expiresAt };
      facts = { expiresAt };
    }
    const money = (minor: number) => `${formatAmount(minor, hold.currency)} ${hold.currency}`;
    const event = eventForAnswer(pending, outcome as GatewayAnswer, { at: now, resumed, retryAt: this.retryAt(pending, now), expectedRef: hold.gatewayRef, authorization, reauthorization, money });
    // A declined extension falls back to its final plan at the extension's deadline, not at once: the
    // time until then (half the lead time) is for a person to act on hold.extension_failed, the rest
    // for the fallback itself.
    if (event.type === 'OPERATION_DECLINED' && pending.operation === 'reauthorize' && hold.context.onExpiry === 'extend' && pending.deadline !== null) {
      facts = { ownActBy: pending.deadline };
    }
    const applyFacts = facts && (event.type === 'AUTHORIZED' || event.type === 'REAUTHORIZED' || event.type === 'OPERATION_DECLINED');
    const commitOptions: CommitOptions = { exchange, ...(applyFacts ? { facts } : {}), ...(fence ? { fence } : {}) };
    let next: StoredHold;
    try {
      next = (await this.commit(hold, event, actor, commitOptions)).hold;
    } catch (error) {
      const ref = facts?.gatewayRef;
      const duplicate = ref != null && !(error instanceof HoldfastError) ? await findHoldIdByGatewayRef(this.store.db, hold.gateway, ref) : undefined;
      if (!duplicate) throw error;
      // The gateway answered with a reference another hold already has (unique per gateway): never
      // guess which hold the money belongs to; the exchange is on record and an operator decides.
      const reason = `the gateway authorized under reference ${ref}, which hold ${duplicate} already has`;
      const flag: HoldEvent = { type: 'FLAG', reason, at: now };
      const { hold: flagged } = await this.commit(hold, flag, actor, { references: [ref ?? null], ...(fence ? { fence } : {}) });
      return this.result(flagged, flag, new HoldfastError('DUPLICATE_GATEWAY_REF', `hold ${hold.id}: ${reason}; it needs an operator`, {
        details: { holdId: hold.id, otherHoldId: duplicate, gatewayRef: ref },
      }));
    }
    return this.result(next, event, null);
  }

  // The result and the error an API caller gets, from the event that was applied.
  private result(stored: StoredHold, event: HoldEvent, usageError: HoldfastError | null): PerformResult {
    const hold = this.view(stored);
    const operation = hold.pending?.operation ?? hold.lastError?.operation ?? 'operation';
    switch (event.type) {
      case 'AUTHORIZED':
      case 'CAPTURE_APPROVED':
      case 'VOID_APPROVED':
      case 'REAUTHORIZED':
        return { stored, hold, outcome: 'approved', error: null };
      case 'OPERATION_DECLINED':
        return { stored, hold, outcome: 'declined', error: new GatewayDeclinedError(hold.id, event.code, event.message, operation) };
      case 'OUTCOME_UNKNOWN':
        return { stored, hold, outcome: 'unknown', error: new GatewayUnknownOutcomeError(hold.id, operation, event.reason) };
      case 'OPERATION_NOT_SENT': {
        if ((IN_FLIGHT_STATES as readonly string[]).includes(hold.state)) {
          // Open: an earlier attempt may have taken effect, so the hold stays in flight.
          return { stored, hold, outcome: 'unknown', error: new GatewayUnknownOutcomeError(hold.id, operation, event.reason) };
        }
        if (usageError) return { stored, hold, outcome: 'unavailable', error: usageError };
        if (event.code === 'GATEWAY_MISCONFIGURED') {
          const variables = gatewayVariables(hold.gateway);
          return { stored, hold, outcome: 'misconfigured', error: new GatewayMisconfiguredError(hold.gateway, event.reason, { holdId: hold.id, operation, variables }) };
        }
        return { stored, hold, outcome: 'unavailable', error: new GatewayUnavailableError(hold.id, operation, event.reason) };
      }
      case 'FLAG':
        return { stored, hold, outcome: 'flagged', error: usageError ?? new HoldfastError('NEEDS_ATTENTION', `hold ${hold.id} needs an operator: ${event.reason}`, { details: { holdId: hold.id } }) };
      default:
        throw new Error(`unexpected event ${event.type} after a gateway call`);
    }
  }

  /** The Hold the API shows for a stored hold, with actBy under this instance's lead time. */
  view(hold: StoredHold): Hold {
    return toHold(hold, this.policy.leadTimeMs);
  }

  private retryAt(pending: PendingOperation, now: number): number {
    return nextRetryAt(now, pending.unknownAttempts + 1, pending.deadline);
  }

  private redaction(references: readonly (string | null | undefined)[]): RedactOptions {
    return { secrets: this.secrets, references: references.filter((v): v is string => typeof v === 'string' && v !== '') };
  }

  // Values that are references by role: never masked, even when one happens to pass the Luhn check.
  private references(hold: StoredHold, extra: readonly (string | null)[] = []): (string | null | undefined)[] {
    return [hold.gatewayRef, hold.subscriptionId, hold.orderId, hold.context.pending?.idempotencyKey, ...extra];
  }

  // Gateway text reaches lastError, the journal and webhooks through events: redact it first.
  private redactEvent(hold: StoredHold, event: HoldEvent, extra: readonly (string | null)[]): HoldEvent {
    const refs = this.references(hold, extra);
    switch (event.type) {
      case 'OPERATION_DECLINED':
        return { ...event, code: this.redactText(event.code, refs), message: this.redactText(event.message, refs) };
      case 'OPERATION_NOT_SENT':
      case 'OUTCOME_UNKNOWN':
      case 'FLAG':
      case 'RESOLVE':
        return { ...event, reason: this.redactText(event.reason, refs) };
      default:
        return event;
    }
  }

  private exchangeInsert(hold: StoredHold, exchange: Exchange, at: number) {
    const record = redactExchange(exchange.record, this.redaction([...this.references(hold), exchange.record.idempotencyKey]));
    return insertExchange(this.store.db, {
      id: newExchangeId(),
      hold_id: hold.id,
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
}

// The environment variables that configure a known HTTP gateway, credentials first (none for others).
function gatewayVariables(name: string): string[] {
  const profile = HTTP_GATEWAY_PROFILES.find((p) => p.name === name);
  if (!profile) return [];
  const variables = Object.values(profile.env) as EnvVariable[];
  return [...variables.filter((v) => v.secret), ...variables.filter((v) => !v.secret)].map((v) => v.name);
}

function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
