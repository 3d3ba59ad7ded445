// The embedded API: what an order-fulfilment system calls. Amounts are integer minor units, times
// UTC epoch ms. Every write goes through HoldEngine (version-checked, write-ahead).
import pino, { type Logger } from 'pino';
import { HOLD_STATES, IN_FLIGHT_STATES, type HoldState, type OnExpiry, type Resolution } from '../../machines/hold.machine.js';
import { captureRefusal, onExpiryRefusal, remainingAmount, resolutionRefusal, type Refusal } from '../../machines/hold-rules.js';
import { callerCaptureKey, captureKey, MAX_CALLER_KEY_LENGTH, voidKey } from '../../machines/idempotency-keys.js';
import { openStore, type Store, writeAtomically } from '../../db/connection.js';
import { configuredSecrets } from '../config/configured-secrets.js';
import { type HoldRow, readSnapshot, toHold } from '../../db/hold-mapper.js';
import {
  findHoldRow,
  findHoldRowByGatewayRef,
  findHoldRowByIdempotencyKey,
  hasApprovedExchange,
  insertHold,
  insertTransition,
  listExchanges,
  listHoldRows,
  listTransitions,
  sortPosition,
} from '../../db/holds.repository.js';
import { type Clock, systemClock } from '../clock.js';
import { createExpiryPolicy, deadlines, type ExpiryPolicy, windowFor } from '../policy/expiry-policy.js';
import type { CardInput, CardType, Gateway } from '../gateways/types.js';
import { assertPositiveMinorUnits, requireCurrency } from '../money/money.js';
import {
  CaptureNotAllowedError,
  GatewayDeclinedError,
  HoldExpiredError,
  HoldfastError,
  HoldNotFoundError,
  IdempotencyKeyReusedError,
  InvalidAmountError,
  InvalidTransitionError,
  ValidationError,
} from '../errors.js';
import { HoldEngine, type PerformResult } from './hold-engine.js';
import { authorizeFingerprint, parseAuthorizeRequest, serializeAuthorizeRequest } from './authorize-request.js';
import { isHoldId, newHoldId } from './ids.js';
import { newHoldRow } from './new-hold-row.js';
import type { Actor, GatewayExchange, Hold, HoldTransition } from './types.js';
import { sweep, type SweepOptions, type SweepReport } from '../sweeper/sweep.js';
import { findPans, logRedactor } from '../gateways/redact.js';

export interface OpenHoldfastOptions {
  /** A SQLite file path or a `postgres://` URL (created/migrated as needed). Default `./holdfast.db`. */
  database?: string;
  /** The gateways holds may use, by name. Default: Kushki and/or PayCertify from the environment. */
  gateways?: Gateway[];
  /** Windows and lead time; defaults to the gateways' documented windows and 24 h. */
  policy?: ExpiryPolicy;
  clock?: Clock;
  logger?: Logger;
  /** Who is acting, for the transition journal (default `api`; the CLI passes `cli`). */
  actor?: Actor;
  /** Other secrets (a webhook secret, tokens) removed from everything holdfast stores or logs. */
  secrets?: readonly string[];
}

export interface AuthorizeInput {
  gateway: string;
  amount: number;
  currency: string;
  subscriptionId?: string;
  /** Raw card data for gateways that take it; held in memory only, never stored. */
  card?: CardInput;
  orderId?: string;
  onExpiry?: OnExpiry;
  /** Same key, same parameters → the same hold; same key, other parameters → an error. */
  idempotencyKey?: string;
  metadata?: Record<string, unknown>;
}

export interface TrackInput {
  gateway: string;
  gatewayRef: string;
  amount: number;
  currency: string;
  authorizedAt: number;
  cardType?: CardType;
  subscriptionId?: string;
  orderId?: string;
  onExpiry?: OnExpiry;
}

export interface CaptureOptions {
  /** Default: everything still capturable. */
  amount?: number;
  /** Release whatever remains after this capture. */
  final?: boolean;
  idempotencyKey?: string;
}

/** What an operator found in the gateway's console for a hold that needs attention. */
export interface ResolveInput {
  /** `captured` (with the amount the console shows), `voided`, or `not_captured`. */
  resolution: Resolution;
  /** Minor units captured, with `captured` only. */
  amount?: number | null;
  /** What the console shows, for the journal; required. */
  reason: string;
}

export interface ListOptions {
  state?: HoldState;
  gateway?: string;
  orderId?: string;
  /** Open holds whose actBy falls within this many ms from now (or has passed). */
  expiringWithinMs?: number;
  limit?: number;
  cursor?: string;
}

export interface HoldPage {
  holds: Hold[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface HoldHistory {
  transitions: HoldTransition[];
  exchanges: GatewayExchange[];
}

/** The embedded holdfast API. */
export interface Holdfast {
  authorize(input: AuthorizeInput): Promise<Hold>;
  track(input: TrackInput): Promise<Hold>;
  capture(id: string, options?: CaptureOptions): Promise<Hold>;
  void(id: string): Promise<Hold>;
  setOnExpiry(id: string, onExpiry: OnExpiry, options?: { amount?: number | null }): Promise<Hold>;
  /** Records how a hold that needs attention ended, as an operator read it from the gateway's console. */
  resolve(id: string, input: ResolveInput): Promise<Hold>;
  /** Sends a hold's in-flight call again now, under its idempotency key (an operator's retry). */
  retry(id: string): Promise<Hold>;
  get(id: string): Promise<Hold>;
  list(options?: ListOptions): Promise<HoldPage>;
  history(id: string): Promise<HoldHistory>;
  /** One sweeper pass now: capture or void what is due, expire what lapsed, reconcile what is unknown. */
  sweep(options?: SweepOptions): Promise<SweepReport>;
  close(): Promise<void>;
  /** The engine underneath, for the sweeper and the CLI. */
  readonly engine: HoldEngine;
}

const OPEN_STATES: readonly HoldState[] = ['authorized', 'partially_captured', 'capturing', 'voiding', 'authorizing'];
const MAX_LIST_LIMIT = 1000;
// A gateway authorization time this far ahead of our clock is refused as a typo, not trusted.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Opens holdfast on a database file with the given gateways, policy, clock and logger. */
export async function openHoldfast(options: OpenHoldfastOptions = {}): Promise<Holdfast> {
  const logger =
    options.logger ??
    pino({ name: 'holdfast', level: process.env.HOLDFAST_LOG_LEVEL ?? 'warn', formatters: { log: logRedactor([...(options.secrets ?? []), ...configuredSecrets(process.env)]) } }, pino.destination(2));
  const clock = options.clock ?? systemClock;
  const gateways = new Map<string, Gateway>();
  // The adapters (and their HTTP client) load only when the environment is to configure them.
  const configured = options.gateways ?? (await import('../gateways/from-env.js')).gatewaysFromEnv(process.env, { clock, logger });
  for (const gateway of configured) gateways.set(gateway.name, gateway);
  const store = await openStore(options.database ?? './holdfast.db');
  const engine = new HoldEngine(store, gateways, options.policy ?? createExpiryPolicy(), clock, logger, [...(options.secrets ?? []), ...configuredSecrets(process.env)]);
  return new HoldfastApi(engine, options.actor ?? 'api');
}

class HoldfastApi implements Holdfast {
  constructor(
    readonly engine: HoldEngine,
    private readonly actor: Actor,
  ) {}

  private get store(): Store {
    return this.engine.store;
  }

  async authorize(input: AuthorizeInput): Promise<Hold> {
    const gateway = this.engine.gateway(input.gateway);
    requireCurrency(input.currency);
    assertPositiveMinorUnits(input.amount);
    const onExpiry = checkOnExpiry(input.onExpiry ?? 'void');
    // Before anything is written: a gateway without a window would strand the authorization.
    const shortestWindow = windowFor(this.engine.policy, input.gateway, 'unknown');
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
      checkKey(input.idempotencyKey);
      const existing = await findHoldRowByIdempotencyKey(this.store.db, input.idempotencyKey);
      if (existing) return this.replayAuthorize(existing, fingerprint, input);
    }
    const key = input.idempotencyKey ?? `auth_${newHoldId().slice(5)}`;
    // Input the gateway could not even send is refused before any row exists.
    gateway.checkAuthorize?.({ idempotencyKey: key, amount: input.amount, currency: input.currency, subscriptionId: input.subscriptionId, card: input.card, orderId: input.orderId, metadata: input.metadata });
    const now = this.engine.clock.now();
    const id = newHoldId();
    const row = newHoldRow(
      {
        id,
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
      const db = this.store.db;
      await writeAtomically(this.store, [
        { query: insertHold(db, row) },
        { query: insertTransition(db, { hold_id: id, seq: 1, from_state: null, to_state: 'authorizing', event: 'AUTHORIZE', actor: this.actor, detail: null, at: now }) },
      ]);
    } catch (error) {
      // Two callers raced with the same key: the other one's hold is the answer.
      const other = input.idempotencyKey === undefined ? undefined : await findHoldRowByIdempotencyKey(this.store.db, input.idempotencyKey);
      if (other) return this.replayAuthorize(other, fingerprint, input);
      throw error;
    }
    return unwrap(await this.engine.perform(row, this.actor, { card: input.card, resumed: false }));
  }

  // A repeated authorize: same parameters get the same hold (resuming an open outcome under the same
  // key, or sending again one that was never sent); different parameters are refused.
  private async replayAuthorize(row: HoldRow, fingerprint: string, input: AuthorizeInput): Promise<Hold> {
    if (row.request_hash !== fingerprint) throw new IdempotencyKeyReusedError(input.idempotencyKey ?? '');
    const hold = toHold(row);
    if (hold.state === 'authorizing' && hold.pending && hold.pending.retryAt !== null) {
      return unwrap(await this.engine.perform(row, this.actor, { card: input.card, resumed: true }));
    }
    if (hold.state === 'declined' && hold.lastError?.code === 'NOT_SENT') {
      const now = this.engine.clock.now();
      const deadline = now + windowFor(this.engine.policy, row.gateway, 'unknown');
      const { row: resent } = await this.engine.commit(row, { type: 'RESEND_AUTHORIZE', deadline, at: now }, this.actor);
      return unwrap(await this.engine.perform(resent, this.actor, { card: input.card, resumed: false }));
    }
    if (hold.state === 'declined' && hold.lastError) {
      throw new GatewayDeclinedError(hold.id, hold.lastError.code, hold.lastError.message, 'authorize');
    }
    return hold;
  }

  async track(input: TrackInput): Promise<Hold> {
    const gateway = this.engine.gateway(input.gateway);
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
    const now = this.engine.clock.now();
    if (!Number.isSafeInteger(input.authorizedAt) || input.authorizedAt > now + FUTURE_TOLERANCE_MS) {
      throw new ValidationError('INVALID_DATE', 'authorizedAt must be an epoch-ms time that is not in the future');
    }
    const { expiresAt, actBy } = deadlines(this.engine.policy, input.gateway, cardType, Math.min(input.authorizedAt, now));
    if (expiresAt <= now) {
      throw new HoldExpiredError('(untracked)', `an authorization made at ${new Date(input.authorizedAt).toISOString()} has already expired (${new Date(expiresAt).toISOString()})`);
    }
    const existing = await findHoldRowByGatewayRef(this.store.db, input.gateway, input.gatewayRef);
    if (existing) {
      throw new ValidationError('ALREADY_TRACKED', `${input.gateway} authorization ${input.gatewayRef} is already tracked as ${existing.id}`);
    }
    const id = newHoldId();
    // The authorization happened elsewhere: the row starts at `authorizing` and the approval is
    // applied through the machine like any other.
    const row = newHoldRow(
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
        deadline: now,
        orderId: input.orderId ?? null,
        subscriptionId: input.subscriptionId ?? null,
        cardType,
      },
      now,
    );
    // An authorization time a little ahead of our clock (skew) counts as now: never later than the intent.
    const authorizedAt = Math.min(input.authorizedAt, now);
    const snapshotAfter = this.engine.preview(row, { type: 'AUTHORIZED', amount: input.amount, authorizedAt, expiresAt, at: now });
    const trackedRow: HoldRow = {
      ...row,
      gateway_ref: input.gatewayRef,
      state: 'authorized',
      amount: input.amount,
      authorized_at: authorizedAt,
      expires_at: expiresAt,
      act_by: actBy,
      next_action_at: actBy,
      snapshot: JSON.stringify(snapshotAfter),
    };
    try {
      const db = this.store.db;
      await writeAtomically(this.store, [
        { query: insertHold(db, trackedRow) },
        { query: insertTransition(db, { hold_id: id, seq: 1, from_state: null, to_state: 'authorized', event: 'TRACK', actor: this.actor, detail: JSON.stringify({ gatewayRef: input.gatewayRef }), at: now }) },
      ]);
    } catch (error) {
      if (await findHoldRowByGatewayRef(this.store.db, input.gateway, input.gatewayRef)) {
        throw new ValidationError('ALREADY_TRACKED', `${input.gateway} authorization ${input.gatewayRef} is already tracked`);
      }
      throw error;
    }
    return toHold(trackedRow);
  }

  async capture(id: string, options: CaptureOptions = {}): Promise<Hold> {
    const row = await this.requireRow(id);
    // Before any intent is written: a hold must never be left in flight for a gateway we cannot call.
    const gateway = this.engine.gateway(row.gateway);
    const hold = toHold(row);
    let key: string | undefined;
    if (options.idempotencyKey !== undefined) {
      checkKey(options.idempotencyKey, MAX_CALLER_KEY_LENGTH);
      // A caller's key belongs to this hold: the same key on another hold is another capture.
      key = callerCaptureKey(id, options.idempotencyKey);
      if (await hasApprovedExchange(this.store.db, id, 'capture', key)) return hold;
    }
    if (hold.closed || (hold.state !== 'authorized' && hold.state !== 'partially_captured')) {
      throw new InvalidTransitionError(id, hold.state, 'capture', stateHint(hold));
    }
    requireCapturable(gateway.capabilities.captureNeedsSubscription, hold);
    const now = this.engine.clock.now();
    const { context } = readSnapshot(row);
    const amount = options.amount ?? remainingAmount(context);
    if (options.amount !== undefined) assertPositiveMinorUnits(options.amount, 'capture amount');
    throwRefusal(id, captureRefusal(context, amount, now));
    const { row: inFlight } = await this.engine.commit(
      row,
      { type: 'CAPTURE', amount, final: options.final ?? false, idempotencyKey: key ?? captureKey(id, context.captureCount + 1), at: now },
      this.actor,
    );
    return unwrap(await this.engine.perform(inFlight, this.actor, { resumed: false }));
  }

  async void(id: string): Promise<Hold> {
    const row = await this.requireRow(id);
    this.engine.gateway(row.gateway);
    const hold = toHold(row);
    if (hold.closed || (hold.state !== 'authorized' && hold.state !== 'partially_captured')) {
      throw new InvalidTransitionError(id, hold.state, 'void', stateHint(hold));
    }
    const now = this.engine.clock.now();
    if (hold.expiresAt === null || now >= hold.expiresAt) {
      throw new HoldExpiredError(id, 'the authorization has expired; a void now would be a refund, so none is sent');
    }
    const { row: inFlight } = await this.engine.commit(row, { type: 'VOID', idempotencyKey: voidKey(id, hold.captureCount), at: now }, this.actor);
    return unwrap(await this.engine.perform(inFlight, this.actor, { resumed: false }));
  }

  async resolve(id: string, input: ResolveInput): Promise<Hold> {
    const row = await this.requireRow(id);
    const hold = toHold(row);
    if (hold.state !== 'needs_attention') {
      throw new InvalidTransitionError(id, hold.state, 'resolve', 'only a hold that needs attention is resolved by hand');
    }
    const resolution = checkResolution(input?.resolution);
    const amount = input.amount ?? null;
    const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
    const now = this.engine.clock.now();
    throwRefusal(id, resolutionRefusal(readSnapshot(row).context, resolution, amount, reason));
    const { row: next } = await this.engine.commit(row, { type: 'RESOLVE', resolution, amount, reason, at: now }, 'operator', {
      detail: { resolution, ...(amount === null ? {} : { amount }), reason: this.engine.redactText(reason), by: this.actor },
    });
    return toHold(next);
  }

  async retry(id: string): Promise<Hold> {
    const row = await this.requireRow(id);
    this.engine.gateway(row.gateway);
    const hold = toHold(row);
    const inFlight = (IN_FLIGHT_STATES as readonly string[]).includes(hold.state);
    if (!inFlight && hold.state !== 'needs_attention') {
      throw new InvalidTransitionError(id, hold.state, 'retry', 'only a gateway call in flight (or flagged before its deadline) can be re-sent');
    }
    if (hold.pending?.operation === 'authorize' && parseAuthorizeRequest(row.authorize_request).hasCard) {
      throw new ValidationError('CARD_DATA_REQUIRED', `hold ${id}: this authorization carried card data, which holdfast never stores; call authorize again with the same idempotency key and the card, or resolve the hold`);
    }
    const now = this.engine.clock.now();
    const deadline = hold.pending?.deadline ?? hold.expiresAt;
    if (deadline === null || now >= deadline) {
      throw new HoldExpiredError(id, 'the window has closed; nothing is sent to the gateway any more — resolve the hold instead');
    }
    const { row: due } = await this.engine.commit(row, { type: 'RETRY', at: now }, 'operator', { detail: { by: this.actor } });
    return unwrap(await this.engine.perform(due, 'operator', { resumed: true }));
  }

  async setOnExpiry(id: string, onExpiry: OnExpiry, options: { amount?: number | null } = {}): Promise<Hold> {
    checkOnExpiry(onExpiry);
    const row = await this.requireRow(id);
    const hold = toHold(row);
    if (hold.closed || (hold.state !== 'authorized' && hold.state !== 'partially_captured')) {
      throw new InvalidTransitionError(id, hold.state, 'change the on-expiry plan of', stateHint(hold));
    }
    if (onExpiry === 'capture' && this.engine.hasGateway(hold.gateway)) {
      requireCapturable(this.engine.gateway(hold.gateway).capabilities.captureNeedsSubscription, hold);
    }
    const amount = options.amount ?? null;
    if (amount !== null) assertPositiveMinorUnits(amount, 'on-expiry amount');
    const now = this.engine.clock.now();
    throwRefusal(id, onExpiryRefusal(readSnapshot(row).context, onExpiry, amount, now));
    const { row: next } = await this.engine.commit(row, { type: 'SET_ON_EXPIRY', onExpiry, amount, at: now }, this.actor, {
      columns: { on_expiry_explicit: 1 },
    });
    return toHold(next);
  }

  async get(id: string): Promise<Hold> {
    return toHold(await this.requireRow(id));
  }

  async list(options: ListOptions = {}): Promise<HoldPage> {
    if (options.state !== undefined && !HOLD_STATES.includes(options.state)) {
      throw new ValidationError('INVALID_STATE', `unknown state ${JSON.stringify(options.state)} (states: ${HOLD_STATES.join(', ')})`);
    }
    const limit = options.limit ?? 100;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new ValidationError('INVALID_LIMIT', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
    }
    let states: readonly string[] | undefined = options.state === undefined ? undefined : [options.state];
    let actByAtOrBefore: number | undefined;
    if (options.expiringWithinMs !== undefined) {
      if (!Number.isSafeInteger(options.expiringWithinMs) || options.expiringWithinMs < 0) {
        throw new ValidationError('INVALID_DURATION', 'expiringWithinMs must be a non-negative whole number of milliseconds');
      }
      actByAtOrBefore = this.engine.clock.now() + options.expiringWithinMs;
      states = (states ?? OPEN_STATES).filter((s) => OPEN_STATES.includes(s as HoldState));
    }
    const rows = await listHoldRows(this.store.db, {
      ...(states ? { states } : {}),
      ...(options.gateway !== undefined ? { gateway: options.gateway } : {}),
      ...(options.orderId !== undefined ? { orderId: options.orderId } : {}),
      ...(actByAtOrBefore !== undefined ? { actByAtOrBefore } : {}),
      ...(options.cursor !== undefined ? { after: decodeCursor(options.cursor) } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    let holds = page.map(toHold);
    if (options.expiringWithinMs !== undefined) holds = holds.filter((h) => !h.closed);
    const last = page[page.length - 1];
    return { holds, nextCursor: rows.length > limit && last ? encodeCursor(sortPosition(last)) : null };
  }

  async history(id: string): Promise<HoldHistory> {
    await this.requireRow(id);
    const [transitions, exchanges] = await Promise.all([listTransitions(this.store.db, id), listExchanges(this.store.db, id)]);
    return { transitions, exchanges };
  }

  async sweep(options: SweepOptions = {}): Promise<SweepReport> {
    return sweep(this.engine, options);
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private async requireRow(id: string): Promise<HoldRow> {
    if (!isHoldId(id)) {
      throw new ValidationError('INVALID_HOLD_ID', `${JSON.stringify(String(id))} is not a hold id (they look like hold_0123456789abcdef0123)`);
    }
    const row = await findHoldRow(this.store.db, id);
    if (!row) throw new HoldNotFoundError(id);
    return row;
  }
}

function throwRefusal(id: string, refusal: Refusal | null): void {
  if (!refusal) return;
  switch (refusal.code) {
    case 'INVALID_AMOUNT':
      throw new InvalidAmountError(refusal.message, { holdId: id });
    case 'HOLD_EXPIRED':
      throw new HoldExpiredError(id, refusal.message);
    case 'CAPTURE_LIMIT_REACHED':
    case 'AMOUNT_EXCEEDS_AUTHORIZED':
      throw new CaptureNotAllowedError(refusal.code, id, refusal.message);
    case 'INVALID_RESOLUTION':
      throw new ValidationError('INVALID_RESOLUTION', `hold ${id}: ${refusal.message}`, { holdId: id });
    default: {
      const never: never = refusal.code;
      throw new Error(`unhandled refusal ${String(never)}`);
    }
  }
}

function stateHint(hold: Hold): string | undefined {
  if (hold.state === 'capturing' || hold.state === 'voiding') return 'a gateway call is in flight; the sweeper reconciles it';
  if (hold.state === 'partially_captured' && hold.closed) return 'its remainder was released';
  return undefined;
}

function checkOnExpiry(value: unknown): OnExpiry {
  if (value !== 'capture' && value !== 'void') {
    throw new ValidationError('INVALID_ON_EXPIRY', `on-expiry must be capture or void, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkKey(key: unknown, max = 255): void {
  if (typeof key !== 'string' || key.length < 1 || key.length > max || !/^[\x21-\x7e]+$/.test(key)) {
    throw new ValidationError('INVALID_IDEMPOTENCY_KEY', `idempotency keys are 1–${max} printable ASCII characters without spaces`);
  }
}

function checkResolution(value: unknown): Resolution {
  if (value !== 'captured' && value !== 'voided' && value !== 'not_captured') {
    throw new ValidationError('INVALID_RESOLUTION', `a resolution is captured, voided or not_captured, got ${JSON.stringify(value)}`);
  }
  return value;
}

// Metadata is stored to re-send the request: it must never carry a card number.
function checkMetadata(metadata: Record<string, unknown> | undefined): void {
  if (metadata === undefined) return;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValidationError('INVALID_METADATA', 'metadata must be an object');
  }
  if (findPans(JSON.stringify(metadata)).length > 0) {
    throw new ValidationError('CARD_DATA_IN_METADATA', 'metadata looks like it carries a card number; card data goes in `card` (held in memory only), never in metadata');
  }
}

function requireCapturable(captureNeedsSubscription: boolean, hold: Hold): void {
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

function encodeCursor(position: { actBy: number; id: string }): string {
  return Buffer.from(`${position.actBy}:${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { actBy: number; id: string } {
  const text = Buffer.from(String(cursor), 'base64url').toString('utf8');
  const match = /^(\d+):(hold_[0-9a-f]{20})$/.exec(text);
  if (!match) throw new ValidationError('INVALID_CURSOR', 'the cursor is not one that list() returned');
  return { actBy: Number(match[1]), id: match[2] as string };
}

