// The embedded API's writes: authorize, track, capture, void, the on-expiry plan, and an operator's
// resolve and retry. Inputs are checked and the machine's refusal is asked for before anything is
// written; every write then goes through the engine (version-checked, write-ahead).
import type { ExtensionMethod, HoldEvent, OnExpiry } from '../../machines/hold.machine.js';
import { extensionMethod } from '../../machines/sweep-plan.js';
import { type Refusal, remainingAmount } from '../../machines/hold-rules.js';
import { refusalFor, type CommandRefusal } from '../../machines/refusal.js';
import { callerCaptureKey, captureKey, MAX_CALLER_KEY_LENGTH, reauthorizeKey, replacementKey, voidKey } from '../../machines/idempotency-keys.js';
import type { Actor, Hold } from '../../machines/hold-types.js';
import { stepHold } from '../../machines/hold-step.js';
import { extensionDeadline, nextActionAt } from '../../machines/next-action.js';
import { writeAtomically } from '../../db/connection.js';
import type { StoredHold } from '../../db/stored-hold.js';
import { findHold, findHoldByIdempotencyKey, findHoldIdByGatewayRef, hasApprovedExchange, insertHold, insertTransition } from '../../db/holds.repository.js';
import type { HoldEngine, PerformResult } from '../engine/hold-engine.js';
import { newHold } from '../engine/new-hold.js';
import { isHoldId, newHoldId } from '../engine/ids.js';
import { crashPoint } from '../engine/crash-point.js';
import { replacementObstacle, settleIfReplacement, settleReplacement, startReplacement } from '../engine/replacement.js';
import { authorizeFingerprint, parseAuthorizeRequest, serializeAuthorizeRequest } from '../engine/authorize-request.js';
import { deadlines, minimumLeadTimeMs, windowFor } from '../policy/expiry-policy.js';
import { formatDurationExact } from '../time/format-duration.js';
import { assertPositiveMinorUnits, formatAmount, requireCurrency } from '../money/money.js';
import {
  CaptureNotAllowedError,
  GatewayDeclinedError,
  GatewayUnknownOutcomeError,
  HoldExpiredError,
  HoldNotFoundError,
  IdempotencyKeyReusedError,
  InvalidAmountError,
  InvalidTransitionError,
  ValidationError,
} from '../errors.js';
import { checkAuthorizeKey, checkKey, checkMetadata, checkOnExpiry, checkPlan, checkResolution } from './input-checks.js';
import type { AuthorizeInput, CaptureOptions, ExtendOptions, ResolveInput, SetOnExpiryOptions, TrackInput } from './api-types.js';

// A gateway authorization time this far ahead of our clock is refused as a typo, not trusted.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** The hold with this id, or a typed error (a malformed id is refused before any query). */
export async function requireHold(engine: HoldEngine, id: string): Promise<StoredHold> {
  if (!isHoldId(id)) {
    throw new ValidationError('INVALID_HOLD_ID', `${JSON.stringify(String(id))} is not a hold id (they look like hold_0123456789abcdef0123)`);
  }
  const hold = await findHold(engine.store.db, id);
  if (!hold) throw new HoldNotFoundError(id);
  return hold;
}

/**
 * The hold an order's commands act on: the one with this id or, once its authorization was
 * replaced, the replacement that carries the order's funds now (following the chain to its end).
 */
export async function currentHold(engine: HoldEngine, id: string): Promise<StoredHold> {
  let hold = await requireHold(engine, id);
  const seen = new Set([hold.id]);
  while (hold.context.replacedBy !== null && !seen.has(hold.context.replacedBy)) {
    const next = await findHold(engine.store.db, hold.context.replacedBy);
    if (!next) break;
    seen.add(next.id);
    hold = next;
  }
  return hold;
}

/** The writes of one API instance, made as `actor`. */
export class HoldWrites {
  constructor(
    private readonly engine: HoldEngine,
    private readonly actor: Actor,
  ) {}

  async authorize(input: AuthorizeInput): Promise<Hold> {
    const { engine } = this;
    const gateway = engine.gateway(input.gateway);
    requireCurrency(input.currency);
    assertPositiveMinorUnits(input.amount);
    const onExpiry = checkOnExpiry(input.onExpiry ?? 'void');
    // Before anything is written: a gateway without a window would strand the authorization.
    const shortestWindow = windowFor(engine.policy, input.gateway, 'unknown');
    checkMetadata(input.metadata);
    const fingerprint = authorizeFingerprint({
      gateway: input.gateway,
      amount: input.amount,
      currency: input.currency,
      subscriptionId: input.subscriptionId ?? null,
      orderId: input.orderId ?? null,
      onExpiry,
      metadata: input.metadata ?? null,
      card: input.card,
    });
    if (input.idempotencyKey !== undefined) {
      checkAuthorizeKey(input.idempotencyKey);
      const existing = await findHoldByIdempotencyKey(engine.store.db, input.idempotencyKey);
      if (existing) return this.replayAuthorize(existing, fingerprint, input);
    }
    const key = input.idempotencyKey ?? `auth_${newHoldId().slice(5)}`;
    // Input the gateway could not even send is refused before any row exists.
    gateway.checkAuthorize?.({ idempotencyKey: key, amount: input.amount, currency: input.currency, subscriptionId: input.subscriptionId, card: input.card, orderId: input.orderId, metadata: input.metadata });
    const now = engine.clock.now();
    const hold = newHold(
      {
        id: newHoldId(),
        gateway: input.gateway,
        capabilities: gateway.capabilities,
        currency: input.currency,
        amount: input.amount,
        onExpiry,
        onExpiryExplicit: input.onExpiry !== undefined,
        idempotencyKey: key,
        requestKey: { key, hash: fingerprint },
        authorizeRequest: serializeAuthorizeRequest({ subscriptionId: input.subscriptionId, orderId: input.orderId, metadata: input.metadata, hasCard: input.card !== undefined }),
        deadline: now + shortestWindow,
        orderId: input.orderId ?? null,
        subscriptionId: input.subscriptionId ?? null,
        cardType: 'unknown',
      },
      now,
    );
    try {
      const db = engine.store.db;
      await writeAtomically(engine.store, [
        { query: insertHold(db, hold) },
        { query: insertTransition(db, { hold_id: hold.id, seq: 1, from_state: null, to_state: 'authorizing', event: 'AUTHORIZE', actor: this.actor, detail: null, at: now }) },
      ]);
    } catch (error) {
      // Two callers raced with the same key: the other one's hold is the answer.
      const other = input.idempotencyKey === undefined ? undefined : await findHoldByIdempotencyKey(engine.store.db, input.idempotencyKey);
      if (other) return this.replayAuthorize(other, fingerprint, input);
      throw error;
    }
    crashPoint('after-authorize-intent');
    return unwrap(await engine.perform(hold, this.actor, { card: input.card, resumed: false }));
  }

  // A repeated authorize: same parameters get the same hold (resuming an open outcome under the same
  // key, or sending again one that was never sent); different parameters are refused.
  private async replayAuthorize(hold: StoredHold, fingerprint: string, input: AuthorizeInput): Promise<Hold> {
    if (hold.requestHash !== fingerprint) throw new IdempotencyKeyReusedError(input.idempotencyKey ?? '');
    const view = this.engine.view(hold);
    if (hold.state === 'authorizing' && hold.context.pending?.retryAt != null) {
      return unwrap(await this.engine.perform(hold, this.actor, { card: input.card, resumed: true }));
    }
    if (hold.state === 'declined' && view.lastError?.code === 'NOT_SENT') {
      const now = this.engine.clock.now();
      const deadline = now + windowFor(this.engine.policy, hold.gateway, 'unknown');
      const { hold: resent } = await this.engine.commit(hold, { type: 'RESEND_AUTHORIZE', deadline, at: now }, this.actor);
      return unwrap(await this.engine.perform(resent, this.actor, { card: input.card, resumed: false }));
    }
    if (hold.state === 'declined' && view.lastError) {
      throw new GatewayDeclinedError(hold.id, view.lastError.code, view.lastError.message, 'authorize');
    }
    return view;
  }

  async track(input: TrackInput): Promise<Hold> {
    const { engine } = this;
    const gateway = engine.gateway(input.gateway);
    requireCurrency(input.currency);
    assertPositiveMinorUnits(input.amount);
    const onExpiry = checkOnExpiry(input.onExpiry ?? 'void');
    const cardType = input.cardType ?? 'unknown';
    if (onExpiry === 'capture' && gateway.capabilities.captureNeedsSubscription && !input.subscriptionId) {
      throw new ValidationError(
        'SUBSCRIPTION_REQUIRED',
        `${input.gateway} captures through the stored card: a hold without a subscription id can only be voided; pass its subscription id or track it with on-expiry void`,
      );
    }
    if (!['credit', 'debit', 'unknown'].includes(cardType)) {
      throw new ValidationError('INVALID_CARD_TYPE', `card type must be credit, debit or unknown, got ${JSON.stringify(cardType)}`);
    }
    if (typeof input.gatewayRef !== 'string' || input.gatewayRef.trim() === '' || input.gatewayRef.length > 128) {
      throw new ValidationError('INVALID_GATEWAY_REF', 'gateway reference must be a non-empty string of at most 128 characters');
    }
    const now = engine.clock.now();
    if (!Number.isSafeInteger(input.authorizedAt)) {
      throw new ValidationError('INVALID_DATE', `authorizedAt must be a time as UTC epoch milliseconds, got ${String(input.authorizedAt)}`);
    }
    if (input.authorizedAt > now + FUTURE_TOLERANCE_MS) {
      throw new ValidationError('INVALID_DATE', `authorized at ${new Date(input.authorizedAt).toISOString()} is in the future (it is now ${new Date(now).toISOString()}): give the time the gateway authorized it`);
    }
    // An authorization time a little ahead of our clock (skew) counts as now: never later than the intent.
    const authorizedAt = Math.min(input.authorizedAt, now);
    const { expiresAt } = deadlines(engine.policy, input.gateway, cardType, authorizedAt);
    if (expiresAt <= now) {
      throw new HoldExpiredError(
        null,
        `the ${input.gateway} authorization made at ${new Date(input.authorizedAt).toISOString()} expired at ${new Date(expiresAt).toISOString()} (a ${formatDurationExact(expiresAt - authorizedAt)} window for a ${cardType} card); there is nothing left to track`,
      );
    }
    const existing = await findHoldIdByGatewayRef(engine.store.db, input.gateway, input.gatewayRef);
    if (existing) throw new ValidationError('ALREADY_TRACKED', `${input.gateway} authorization ${input.gatewayRef} is already tracked as ${existing}`);
    const id = newHoldId();
    const fresh = newHold(
      {
        id,
        gateway: input.gateway,
        capabilities: gateway.capabilities,
        currency: input.currency,
        amount: input.amount,
        onExpiry,
        onExpiryExplicit: input.onExpiry !== undefined,
        idempotencyKey: `track_${id}`,
        requestKey: null,
        authorizeRequest: null,
        deadline: expiresAt,
        orderId: input.orderId ?? null,
        subscriptionId: input.subscriptionId ?? null,
        cardType,
      },
      now,
    );
    // The authorization happened elsewhere: the machine applies its approval like any other.
    const step = stepHold(fresh.state, fresh.context, { type: 'AUTHORIZED', amount: input.amount, authorizedAt, expiresAt, at: now });
    if (!step) throw new InvalidTransitionError(fresh.id, fresh.state, 'track');
    const tracked: StoredHold = {
      ...fresh,
      gatewayRef: input.gatewayRef,
      authorizedAt,
      expiresAt,
      state: step.state,
      context: step.context,
      ...nextActionAt(step.state, step.context, null, now),
    };
    try {
      const db = engine.store.db;
      await writeAtomically(engine.store, [
        { query: insertHold(db, tracked) },
        { query: insertTransition(db, { hold_id: tracked.id, seq: 1, from_state: null, to_state: 'authorized', event: 'TRACK', actor: this.actor, detail: JSON.stringify({ gatewayRef: input.gatewayRef }), at: now }) },
      ]);
    } catch (error) {
      if (await findHoldIdByGatewayRef(engine.store.db, input.gateway, input.gatewayRef)) {
        throw new ValidationError('ALREADY_TRACKED', `${input.gateway} authorization ${input.gatewayRef} is already tracked`);
      }
      throw error;
    }
    return this.engine.view(tracked);
  }

  async capture(id: string, options: CaptureOptions = {}): Promise<Hold> {
    const hold = await currentHold(this.engine, id);
    id = hold.id;
    // Before any intent is written: a hold must never be left in flight for a gateway we cannot call.
    const gateway = this.engine.gateway(hold.gateway);
    let key: string | undefined;
    if (options.idempotencyKey !== undefined) {
      checkKey(options.idempotencyKey, MAX_CALLER_KEY_LENGTH);
      // A caller's key belongs to this hold: the same key on another hold is another capture.
      key = callerCaptureKey(id, options.idempotencyKey);
      if (await hasApprovedExchange(this.engine.store.db, id, 'capture', key)) return this.engine.view(hold);
    }
    if (options.amount !== undefined) assertPositiveMinorUnits(options.amount, 'capture amount');
    const now = this.engine.clock.now();
    const event: HoldEvent = {
      type: 'CAPTURE',
      amount: options.amount ?? remainingAmount(hold.context),
      final: options.final ?? false,
      idempotencyKey: key ?? captureKey(id, hold.context.captureCount + 1),
      at: now,
    };
    throwRefusal(hold, refusalFor(hold.state, hold.context, event));
    requireCapturable(gateway.capabilities.captureNeedsSubscription, hold);
    const { hold: inFlight } = await this.engine.commit(hold, event, this.actor);
    return unwrap(await this.engine.perform(inFlight, this.actor, { resumed: false }));
  }

  async void(id: string): Promise<Hold> {
    const hold = await currentHold(this.engine, id);
    id = hold.id;
    this.engine.gateway(hold.gateway);
    const event: HoldEvent = { type: 'VOID', idempotencyKey: voidKey(id, hold.context.captureCount), at: this.engine.clock.now() };
    throwRefusal(hold, refusalFor(hold.state, hold.context, event));
    const { hold: inFlight } = await this.engine.commit(hold, event, this.actor);
    return unwrap(await this.engine.perform(inFlight, this.actor, { resumed: false }));
  }

  async setOnExpiry(id: string, onExpiry: OnExpiry, options: SetOnExpiryOptions = {}): Promise<Hold> {
    checkPlan(onExpiry);
    const hold = await currentHold(this.engine, id);
    const next = await this.commitPlan(hold, onExpiry, options);
    return this.engine.view(next);
  }

  // Checks and commits a plan (no gateway call). An extend plan follows the lead-time policy: an own
  // actBy would leave the reauthorization and its fallback no known room, so it is cleared.
  private async commitPlan(hold: StoredHold, onExpiry: OnExpiry, options: SetOnExpiryOptions): Promise<StoredHold> {
    const amount = options.amount ?? null;
    if (amount !== null) assertPositiveMinorUnits(amount, 'on-expiry amount');
    const extend = onExpiry === 'extend';
    const fallback = extend ? checkOnExpiry(options.fallback ?? 'void') : undefined;
    if (extend && options.actBy !== undefined && options.actBy !== null) {
      throw new ValidationError('INVALID_ACT_BY', `hold ${hold.id}: an extend plan acts at expiresAt − the lead time; it takes no own actBy`, { holdId: hold.id });
    }
    const holdUntil = extend ? (options.holdUntil ?? null) : null;
    // Half the lead time is the reauthorization's, half the fallback's: each half must hold the first retries.
    const room = minimumLeadTimeMs(0);
    if (extend && Math.floor(this.engine.policy.leadTimeMs / 2) < room) {
      throw new ValidationError(
        'LEAD_TIME_TOO_SHORT',
        `hold ${hold.id}: an extend plan splits the lead time between the reauthorization and its fallback; ${formatDurationExact(this.engine.policy.leadTimeMs)} leaves neither ${formatDurationExact(room)}; configure a lead time of at least ${formatDurationExact(2 * room)}`,
        { holdId: hold.id },
      );
    }
    const event: HoldEvent = {
      type: 'SET_ON_EXPIRY',
      onExpiry,
      amount,
      at: this.engine.clock.now(),
      ...(extend ? { holdUntil, extendBy: options.by ?? null, ...(fallback ? { fallback } : {}) } : {}),
    };
    throwRefusal(hold, refusalFor(hold.state, hold.context, event));
    if (options.actBy !== undefined && options.actBy !== null) checkOwnActBy(hold, options.actBy);
    if (this.engine.hasGateway(hold.gateway)) {
      const gateway = this.engine.gateway(hold.gateway);
      if (extend) this.extensionMethod(hold, options.by);
      if (onExpiry === 'capture' || fallback === 'capture') requireCapturable(gateway.capabilities.captureNeedsSubscription, hold);
    }
    const ownActBy = extend ? { ownActBy: null } : options.actBy === undefined ? {} : { ownActBy: options.actBy };
    const { hold: next } = await this.engine.commit(hold, event, this.actor, { facts: { onExpiryExplicit: true, ...ownActBy } });
    return next;
  }

  /**
   * Extends the hold now (keeping its amount, or changing it to `amount`, the new authorized total)
   * by a reauthorization or a replacement and, with `holdUntil`, sets the extend plan so the sweeper
   * keeps extending until then. A replacement returns the new hold (`replaces` names this one).
   */
  async extend(id: string, options: ExtendOptions = {}): Promise<Hold> {
    let hold = await currentHold(this.engine, id);
    const method = this.extensionMethod(hold, options.by);
    if (options.holdUntil !== undefined) {
      const fallback = options.fallback ?? (hold.context.onExpiry === 'extend' ? hold.context.fallback : 'void');
      hold = await this.commitPlan(hold, 'extend', { holdUntil: options.holdUntil, fallback, ...(options.by ? { by: options.by } : {}) });
    }
    const total = options.amount ?? hold.context.amount;
    return method === 'reauthorization' ? this.reauthorize(hold, total, 'extend') : this.replace(hold, total, 'extend');
  }

  /**
   * Changes the authorized amount before capture: raised by a reauthorization for the new total
   * where the gateway has one, otherwise (and to lower it) by a replacement authorization.
   */
  async adjust(id: string, options: { amount: number }): Promise<Hold> {
    const hold = await currentHold(this.engine, id);
    assertPositiveMinorUnits(options?.amount, 'adjusted amount');
    const gateway = this.engine.gateway(hold.gateway);
    if (options.amount === hold.context.amount) return this.engine.view(hold);
    if (options.amount > hold.context.amount && gateway.reauthorize !== undefined) return this.reauthorize(hold, options.amount, 'adjust');
    const obstacle = replacementObstacle(this.engine, hold);
    if (obstacle !== null) {
      const reason = options.amount < hold.context.amount ? 'lowering an authorization needs a replacement authorization' : `${hold.gateway} cannot reauthorize, so raising it needs a replacement authorization`;
      throw new ValidationError('ADJUSTMENT_NOT_SUPPORTED', `hold ${hold.id}: ${reason}, and ${obstacle}; capture a lower amount instead (a partial capture releases the rest)`, { holdId: hold.id });
    }
    return this.replace(hold, options.amount, 'adjust');
  }

  // How this hold can be extended (the method asked for, or the gateway's best), or a clear refusal.
  private extensionMethod(hold: StoredHold, asked: ExtensionMethod | undefined): ExtensionMethod {
    if (asked !== undefined && asked !== 'reauthorization' && asked !== 'replacement') {
      throw new ValidationError('INVALID_EXTENSION_METHOD', `an extension is made by reauthorization or replacement, got ${JSON.stringify(asked)}`, { holdId: hold.id });
    }
    const canReauthorize = this.engine.gateway(hold.gateway).reauthorize !== undefined;
    const obstacle = replacementObstacle(this.engine, hold);
    const method = extensionMethod(asked ?? null, canReauthorize, obstacle === null);
    if (method !== null) return method;
    const why =
      asked === 'reauthorization'
        ? `${hold.gateway} cannot reauthorize an authorization`
        : asked === 'replacement'
          ? `it cannot be replaced: ${obstacle ?? ''}`
          : `${hold.gateway} cannot reauthorize an authorization, and it cannot be replaced: ${obstacle ?? ''}`;
    throw new ValidationError('EXTENSION_NOT_SUPPORTED', `hold ${hold.id}: ${why}; choose capture or void`, { holdId: hold.id });
  }

  // Commits the replacement intent (the new hold inserted with it), authorizes the new hold and applies
  // its outcome to this one. Returns the new hold once this one is replaced.
  private async replace(hold: StoredHold, total: number, verb: 'extend' | 'adjust'): Promise<Hold> {
    assertPositiveMinorUnits(total, 'amount');
    const now = this.engine.clock.now();
    const deadline = hold.expiresAt === null ? now : extensionDeadline(hold.expiresAt, this.engine.policy.leadTimeMs);
    const probe: HoldEvent = { type: 'REPLACE', replacementId: '-', amount: total, idempotencyKey: replacementKey(hold.id, hold.context.reauthorizeAttempts + 1), deadline, at: now };
    throwRefusal(hold, refusalFor(hold.state, hold.context, probe));
    const { replacement } = await startReplacement(this.engine, hold, total, deadline, this.actor, { detail: { by: verb } });
    const authorization = await this.engine.perform(replacement, this.actor, { resumed: false });
    const settled = await settleReplacement(this.engine, authorization.stored, this.actor);
    if (settled.outcome === 'approved') return this.engine.view(settled.replacement);
    if (settled.outcome === 'waiting' || settled.outcome === 'none') {
      throw new GatewayUnknownOutcomeError(hold.id, 'replace', `the authorization of its replacement ${replacement.id}: ${authorization.error?.message ?? replacement.state}`);
    }
    throw settled.error ?? new InvalidTransitionError(hold.id, hold.state, 'replace');
  }

  // Commits the reauthorization intent (key, deadline) and sends it: the new total must not be lower.
  private async reauthorize(hold: StoredHold, total: number, verb: 'extend' | 'adjust'): Promise<Hold> {
    assertPositiveMinorUnits(total, 'amount');
    if (total < hold.context.amount) {
      throw new ValidationError('ADJUSTMENT_NOT_SUPPORTED', `hold ${hold.id}: a reauthorization can keep or raise the authorized ${formatAmount(hold.context.amount, hold.currency)} ${hold.currency}, not lower it`, { holdId: hold.id });
    }
    const now = this.engine.clock.now();
    const deadline = hold.expiresAt === null ? now : extensionDeadline(hold.expiresAt, this.engine.policy.leadTimeMs);
    const event: HoldEvent = {
      type: 'EXTEND',
      amount: total - hold.context.amount,
      idempotencyKey: reauthorizeKey(hold.id, hold.context.reauthorizeAttempts + 1),
      deadline,
      at: now,
    };
    throwRefusal(hold, refusalFor(hold.state, hold.context, event));
    const { hold: inFlight } = await this.engine.commit(hold, event, this.actor, { detail: { by: verb } });
    return unwrap(await this.engine.perform(inFlight, this.actor, { resumed: false }));
  }

  async resolve(id: string, input: ResolveInput): Promise<Hold> {
    const hold = await requireHold(this.engine, id);
    const resolution = checkResolution(input?.resolution);
    const amount = input.amount ?? null;
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    const event: HoldEvent = { type: 'RESOLVE', resolution, amount, reason, at: this.engine.clock.now() };
    throwRefusal(hold, refusalFor(hold.state, hold.context, event));
    const { hold: next } = await this.engine.commit(hold, event, 'operator', {
      detail: { resolution, ...(amount === null ? {} : { amount }), reason: this.engine.redactText(reason), by: this.actor },
    });
    return this.engine.view(next);
  }

  async retry(id: string): Promise<Hold> {
    const hold = await requireHold(this.engine, id);
    this.engine.gateway(hold.gateway);
    const event: HoldEvent = { type: 'RETRY', at: this.engine.clock.now() };
    throwRefusal(hold, refusalFor(hold.state, hold.context, event));
    if (hold.context.pending?.operation === 'authorize' && parseAuthorizeRequest(hold.authorizeRequest).hasCard) {
      throw new ValidationError('CARD_DATA_REQUIRED', `hold ${id}: this authorization carried card data, which holdfast never stores; call authorize again with the same idempotency key and the card, or resolve the hold`);
    }
    const { hold: due } = await this.engine.commit(hold, event, 'operator', { detail: { by: this.actor } });
    const result = await this.engine.perform(due, 'operator', { resumed: true });
    // A replacement's authorization settled: the hold it replaces learns it now (and is released).
    const settled = await settleIfReplacement(this.engine, result.stored, 'operator');
    if (settled?.error) throw settled.error;
    if (settled?.outcome === 'approved') return this.engine.view(settled.replacement);
    return unwrap(result);
  }
}

/** Throws the typed error a refusal stands for; nothing has been written. */
function throwRefusal(hold: StoredHold, refusal: CommandRefusal | null): void {
  if (!refusal) return;
  const id = hold.id;
  switch (refusal.code) {
    case 'INVALID_TRANSITION':
      throw new InvalidTransitionError(id, hold.state, refusal.verb, refusal.hint);
    case 'INVALID_AMOUNT':
      throw new InvalidAmountError(refusal.message, { holdId: id });
    case 'HOLD_EXPIRED':
      throw new HoldExpiredError(id, refusal.message);
    case 'CAPTURE_LIMIT_REACHED':
      throw new CaptureNotAllowedError(refusal.code, id, refusal.message);
    case 'AMOUNT_EXCEEDS_AUTHORIZED':
      throw new CaptureNotAllowedError(refusal.code, id, refusal.amounts ? exceedsText(refusal.amounts, hold.currency) : refusal.message);
    case 'INVALID_RESOLUTION':
      throw new ValidationError('INVALID_RESOLUTION', `hold ${id}: ${refusal.message}`, { holdId: id });
    case 'INVALID_HOLD_UNTIL':
      throw new ValidationError('INVALID_HOLD_UNTIL', `hold ${id}: ${refusal.message}`, { holdId: id });
    default: {
      const never: never = refusal;
      throw new Error(`unhandled refusal ${JSON.stringify(never)}`);
    }
  }
}

// The limit in the hold's currency, as a person reads it.
function exceedsText(amounts: NonNullable<Refusal['amounts']>, currency: string): string {
  const money = (minor: number) => `${formatAmount(minor, currency)} ${currency}`;
  const allowance = amounts.limit > amounts.authorized ? ` (${money(amounts.authorized)} authorized plus the gateway's overcapture allowance)` : '';
  return `capturing ${money(amounts.asked)} would bring the captured total to ${money(amounts.total)}, above the ${money(amounts.limit)} this authorization allows${allowance}`;
}

// An own actBy must leave the first retries room before the issuer's expiry.
function checkOwnActBy(hold: StoredHold, actBy: number): void {
  if (!Number.isSafeInteger(actBy)) throw new ValidationError('INVALID_DATE', `actBy must be a time as UTC epoch milliseconds, got ${String(actBy)}`);
  const room = minimumLeadTimeMs(0);
  if (hold.expiresAt !== null && actBy > hold.expiresAt - room) {
    throw new ValidationError(
      'INVALID_ACT_BY',
      `hold ${hold.id}: actBy ${new Date(actBy).toISOString()} leaves no time to act before the authorization expires at ${new Date(hold.expiresAt).toISOString()}; choose a time at least ${formatDurationExact(room)} earlier`,
      { holdId: hold.id },
    );
  }
}

function requireCapturable(captureNeedsSubscription: boolean, hold: StoredHold): void {
  if (captureNeedsSubscription && !hold.subscriptionId) {
    throw new ValidationError(
      'SUBSCRIPTION_REQUIRED',
      `hold ${hold.id}: ${hold.gateway} captures through the stored card and this hold has no subscription id; it can only be voided`,
      { holdId: hold.id },
    );
  }
}

// The API's contract: return the hold on approval, throw the typed error otherwise (after persisting).
function unwrap(result: PerformResult): Hold {
  if (result.error) throw result.error;
  return result.hold;
}
