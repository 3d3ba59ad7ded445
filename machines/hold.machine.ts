// The lifecycle of one authorization hold. Pure: the host computes the next snapshot with
// `transition()`, persists it, and only then performs the effect named by `context.pending`.
// Gateway results come back as events; time comes in as `at` on every event.
//
// The ambiguity rule: once a request may have reached the gateway, the hold never moves back to a
// pre-call state (`authorized`, `partially_captured`, `declined`) unless the gateway has said
// definitively that this operation did not happen. An answer to a *resumed* call (after an unknown
// outcome, or after the process that sent it died) that is not definitive keeps the hold in flight.
//
// Extending (a reauthorization of the same authorization) follows the same rule with one difference
// at its deadline: a reauthorization whose outcome is still open when its deadline (before expiresAt,
// leaving the fallback room) comes is abandoned for the fallback plan instead of flagged, because the
// fallback (capture or void of the original authorization, for what is known to be authorized) is
// correct whether or not the reauthorization took effect. Nothing more is sent for it.
//
// Extending by replacement (a new authorization on the same stored card, a hold of its own) keeps the
// original `extending` with a pending `replace` that names the new hold; the original is released
// (voided) only once the new one is authorized, and then ends `replaced`. The new hold's own
// authorization follows the ambiguity rule; the original learns its outcome as events.
import { and, assign, not, setup } from 'xstate';
import {
  type Capabilities,
  captureRefusal,
  extendRefusal,
  isPastExpiry,
  replaceRefusal,
  onExpiryRefusal,
  resolutionRefusal,
  voidRefusal,
} from './hold-rules.js';

/** Bumped whenever the shape of a persisted snapshot changes; older snapshots are upgraded on read. */
export const HOLD_MACHINE_VERSION = 4;

/** Every state a hold can be in. */
export const HOLD_STATES = [
  'authorizing',
  'authorized',
  'capturing',
  'partially_captured',
  'captured',
  'voiding',
  'extending',
  'voided',
  'replaced',
  'expired',
  'declined',
  'needs_attention',
] as const;
export type HoldState = (typeof HOLD_STATES)[number];

/** States with a gateway call whose outcome is not yet known. */
export const IN_FLIGHT_STATES = ['authorizing', 'capturing', 'voiding', 'extending'] as const satisfies readonly HoldState[];

/** The plan at actBy: capture, void, or extend (keep the funds until holdUntil, then the fallback). */
export type OnExpiry = 'capture' | 'void' | 'extend';
/** What an extend plan falls back to once holdUntil is reached or an extension fails. */
export type FinalPlan = 'capture' | 'void';
/** How a hold is extended: a reauthorization of the same authorization, or a replacement authorization on the stored card. */
export type ExtensionMethod = 'reauthorization' | 'replacement';
/** `replace` is never sent for the hold itself: its replacement hold's authorization is. */
export type Operation = 'authorize' | 'capture' | 'void' | 'reauthorize' | 'replace';

/** One link of a hold's chain of authorizations: the original, then each reauthorization. */
export interface AuthorizationLink {
  kind: 'authorization' | 'reauthorization';
  /** The gateway's reference for it (a reauthorization's own ticket), when it gave one. */
  ref: string | null;
  /** Minor units it added to the authorized total (the original: its amount). */
  amount: number;
  at: number;
  /** The expiry it gave the hold. */
  expiresAt: number;
  /** For a reauthorization: the expiry the hold had before it. */
  previousExpiresAt?: number | null;
}

/** The durable record of a gateway call in flight: committed before the call is made. */
export interface PendingOperation {
  operation: Operation;
  idempotencyKey: string;
  /** Minor units asked for (authorize, capture), released (void) or added (reauthorize; 0 only extends). */
  amount: number;
  /** For a capture: release whatever remains afterwards. */
  final: boolean;
  /** The state to return to if the gateway refuses definitively or the call was never sent. */
  returnTo: 'authorized' | 'partially_captured' | 'declined';
  /** Answers that left the outcome open (unknown, or not definitive on a resumed call). */
  unknownAttempts: number;
  /** When the next attempt under the same key may be made, after an open answer. */
  retryAt: number | null;
  /** When the intent was committed: an authorization cannot be older than this moment. */
  committedAt: number;
  /** Nothing is sent from this moment on (expiresAt; for an authorization, its earliest possible expiry). */
  deadline: number | null;
  /** For a `replace`: the hold whose authorization replaces this one. */
  replacementId?: string;
}

/** The last refusal or failure, and which operation it was about. */
export interface LastError {
  code: string;
  message: string;
  at: number;
  operation?: Operation;
}

export interface HoldContext {
  currency: string;
  /**
   * Minor units: the amount asked for until the gateway answers (so a declined authorization still
   * says what was refused), then the amount it authorized (less on a partial approval).
   */
  amount: number;
  capturedAmount: number;
  captureCount: number;
  capabilities: Capabilities;
  authorizedAt: number | null;
  expiresAt: number | null;
  /** A partially captured hold whose remainder was released (or lapsed) accepts nothing more. */
  remainderReleased: boolean;
  onExpiry: OnExpiry;
  /** Planned capture amount at `actBy`; null means everything still capturable. */
  onExpiryAmount: number | null;
  /** For an extend plan: keep the funds until this time, then apply `fallback`. */
  holdUntil: number | null;
  /** The final plan of an extend plan (at holdUntil, or when an extension fails). */
  fallback: FinalPlan;
  /** Reauthorizations that took effect (the chain, after the original authorization). */
  reauthorizations: AuthorizationLink[];
  /**
   * Reauthorizations ever committed (approved, declined or abandoned): the next one's key number, so a
   * key is never reused for a different request after a declined or abandoned attempt.
   */
  reauthorizeAttempts: number;
  /** How an extend plan extends (null: reauthorization where the gateway has it, else replacement). */
  extendBy: ExtensionMethod | null;
  /** The hold this one's authorization replaced (null for an original). */
  replaces: string | null;
  /** The hold whose authorization replaced this one: this one is released, and commands go there. */
  replacedBy: string | null;
  pending: PendingOperation | null;
  lastError: LastError | null;
}

export interface HoldInput {
  currency: string;
  requestedAmount: number;
  capabilities: Capabilities;
  idempotencyKey: string;
  onExpiry: OnExpiry;
  onExpiryAmount?: number | null;
  holdUntil?: number | null;
  fallback?: FinalPlan;
  /** The hold this authorization replaces (its own plan is void until the original adopts it). */
  replaces?: string | null;
  /** When the authorize intent is committed (the row's creation). */
  at: number;
  /** The earliest the authorization could expire: `at` + the gateway's shortest window. */
  deadline: number;
}

/** How an operator says a flagged hold ended, after checking the gateway's console. */
export type Resolution = 'captured' | 'voided' | 'not_captured';

export type HoldEvent =
  | { type: 'AUTHORIZED'; amount: number; authorizedAt: number; expiresAt: number; at: number }
  | { type: 'CAPTURE'; amount: number; final: boolean; idempotencyKey: string; at: number }
  | { type: 'CAPTURE_APPROVED'; amount: number; at: number }
  | { type: 'VOID'; idempotencyKey: string; at: number }
  | { type: 'VOID_APPROVED'; at: number }
  /** The gateway refused the pending operation definitively (an issuer decline): nothing happened. */
  | { type: 'OPERATION_DECLINED'; code: string; message: string; at: number }
  /**
   * The call was not processed (unreachable, throttled, credentials, a request the gateway would not
   * read, a key-reuse refusal). Definitive only for a first call: on a resumed call an earlier
   * attempt may have taken effect, so the hold stays in flight until `retryAt`.
   */
  | { type: 'OPERATION_NOT_SENT'; code: string; reason: string; resumed: boolean; retryAt: number; at: number }
  /** The pending call may or may not have happened; retry under the same key from `retryAt`. */
  | { type: 'OUTCOME_UNKNOWN'; reason: string; retryAt: number; at: number }
  | { type: 'EXPIRE'; at: number }
  /** Give up on an in-flight call whose outcome cannot be learned: an operator must reconcile it. */
  | { type: 'FLAG'; reason: string; at: number }
  | { type: 'SET_ON_EXPIRY'; onExpiry: OnExpiry; amount: number | null; holdUntil?: number | null; fallback?: FinalPlan; extendBy?: ExtensionMethod | null; at: number }
  /** Reauthorize the authorization: add `amount` (0 only extends its validity); nothing is sent from `deadline` on. */
  | { type: 'EXTEND'; amount: number; idempotencyKey: string; deadline: number; at: number }
  /** The gateway approved the reauthorization: `amount` added, the window restarted at `reauthorizedAt`. */
  | { type: 'REAUTHORIZED'; amount: number; ref: string | null; reauthorizedAt: number; expiresAt: number; at: number }
  /**
   * Replace the authorization by a new one for `amount` (the new total) on the same stored card: the
   * hold `replacementId`, inserted with this write, authorizes under `idempotencyKey`; nothing is sent from `deadline` on.
   */
  | { type: 'REPLACE'; replacementId: string; amount: number; idempotencyKey: string; deadline: number; at: number }
  /** The replacement hold is authorized (for `amount`, until `expiresAt`): release this one under `idempotencyKey`. */
  | { type: 'REPLACED'; replacementId: string; amount: number; expiresAt: number; idempotencyKey: string; at: number }
  /** Re-send the pending call now, under its key (an operator's `retry`). */
  | { type: 'RETRY'; at: number }
  /** An authorization that was definitively never sent is sent again under the same key. */
  | { type: 'RESEND_AUTHORIZE'; deadline: number; at: number }
  /** An operator records what the gateway's console shows for a flagged hold. */
  | { type: 'RESOLVE'; resolution: Resolution; amount: number | null; reason: string; at: number };

export type HoldEventType = HoldEvent['type'];

type Ev<T extends HoldEventType> = Extract<HoldEvent, { type: T }>;

const clearPending = { pending: null } as const;

// Never a real hold's context: see the `context` factory below.
const PLACEHOLDER_CONTEXT: HoldContext = {
  currency: '',
  amount: 0,
  capturedAmount: 0,
  captureCount: 0,
  capabilities: { maxCaptures: 0, overcaptureBps: 0 },
  authorizedAt: null,
  expiresAt: null,
  remainderReleased: true,
  onExpiry: 'void',
  onExpiryAmount: null,
  holdUntil: null,
  fallback: 'void',
  reauthorizations: [],
  reauthorizeAttempts: 0,
  extendBy: null,
  replaces: null,
  replacedBy: null,
  pending: null,
  lastError: null,
};

/** True when an answer about `pending` cannot be trusted to mean "it did not happen". */
export function isResumedCall(pending: PendingOperation | null, resumed: boolean): boolean {
  return resumed || (pending?.unknownAttempts ?? 0) > 0;
}

// What capturing and voiding share: a definitive refusal or a first call never sent returns the hold
// where it was; an open answer stays in flight (same key); past expiresAt, or flagged, an operator decides.
function settleInFlight(self: 'capturing' | 'voiding' | 'extending') {
  return {
    OPERATION_DECLINED: [
      { guard: 'returnsToAuthorized', target: 'authorized', actions: 'recordDecline' },
      { target: 'partially_captured', actions: 'recordDecline' },
    ],
    OPERATION_NOT_SENT: [
      { guard: 'notSentIsOpen', target: self, actions: 'recordOpenAnswer' },
      { guard: 'returnsToAuthorized', target: 'authorized', actions: 'recordNotSent' },
      { target: 'partially_captured', actions: 'recordNotSent' },
    ],
    OUTCOME_UNKNOWN: { target: self, actions: 'recordUnknown' },
    RETRY: { guard: 'beforeDeadline', target: self, actions: 'retryNow' },
    FLAG: { target: 'needs_attention', actions: 'recordFlag' },
    EXPIRE: { guard: 'pastDeadline', target: 'needs_attention', actions: 'recordUnresolvedAtExpiry' },
  } as const;
}

// An extension's intent (a reauthorization, or the wait for a replacement hold): counted, keyed,
// with its own deadline, returning to authorized when it does not happen.
function extensionStart(context: HoldContext, e: { idempotencyKey: string; amount: number; deadline: number; at: number }, operation: 'reauthorize' | 'replace') {
  return {
    reauthorizeAttempts: context.reauthorizeAttempts + 1,
    pending: {
      operation,
      idempotencyKey: e.idempotencyKey,
      amount: e.amount,
      final: false,
      returnTo: 'authorized' as const,
      unknownAttempts: 0,
      retryAt: null,
      committedAt: e.at,
      deadline: e.deadline,
    } satisfies PendingOperation,
    lastError: null,
  };
}

// Emits the pending operation as the `callGateway` action's params (after `startCapture`/`startVoid`
// have assigned it), so the host executes exactly what it persisted.
const gatewayCall = {
  type: 'callGateway' as const,
  params: ({ context }: { context: HoldContext }) => context.pending as PendingOperation,
};

export const holdMachine = setup({
  types: {
    context: {} as HoldContext,
    events: {} as HoldEvent,
    input: {} as HoldInput,
  },
  guards: {
    canCapture: ({ context, event }) => {
      const e = event as Ev<'CAPTURE'>;
      return !context.remainderReleased && context.replacedBy === null && captureRefusal(context, e.amount, e.at) === null;
    },
    canVoid: ({ context, event }) => !context.remainderReleased && voidRefusal(context, event.at) === null,
    isPastExpiry: ({ context, event }) => isPastExpiry(context, event.at),
    pastDeadline: ({ context, event }) => {
      const deadline = context.pending?.deadline ?? context.expiresAt;
      return deadline === null || event.at >= deadline;
    },
    beforeDeadline: ({ context, event }) => {
      const deadline = context.pending?.deadline ?? context.expiresAt;
      return context.pending !== null && deadline !== null && event.at < deadline;
    },
    validOnExpiry: ({ context, event }) => {
      const e = event as Ev<'SET_ON_EXPIRY'>;
      return !context.remainderReleased && context.replacedBy === null && onExpiryRefusal(context, e.onExpiry, e.amount, e.at, e.holdUntil ?? null) === null;
    },
    canExtend: ({ context, event }) => {
      const e = event as Ev<'EXTEND'>;
      return !context.remainderReleased && context.replacedBy === null && extendRefusal(context, e.amount, e.deadline, e.at) === null;
    },
    canReplace: ({ context, event }) => {
      const e = event as Ev<'REPLACE'>;
      return !context.remainderReleased && context.replacedBy === null && e.replacementId !== '' && replaceRefusal(context, e.amount, e.deadline, e.at) === null;
    },
    // The answer names the hold this one is waiting for, authorized for a positive amount.
    validReplacement: ({ context, event }) => {
      const e = event as Ev<'REPLACED'>;
      return context.pending?.operation === 'replace' && context.pending.replacementId === e.replacementId && Number.isSafeInteger(e.amount) && e.amount > 0;
    },
    isReplaced: ({ context }) => context.replacedBy !== null,
    validReauthorization: ({ context, event }) => {
      const e = event as Ev<'REAUTHORIZED'>;
      const pending = context.pending;
      return (
        pending?.operation === 'reauthorize' &&
        Number.isSafeInteger(e.amount) && e.amount >= 0 && e.amount <= pending.amount &&
        e.expiresAt > e.reauthorizedAt && e.reauthorizedAt <= pending.committedAt
      );
    },
    // Past the authorization's own expiry an open reauthorization leaves nothing known: an operator decides.
    pastExpiry: ({ context, event }) => context.expiresAt === null || event.at >= context.expiresAt,
    validAuthorization: ({ context, event }) => {
      const e = event as Ev<'AUTHORIZED'>;
      const committedAt = context.pending?.committedAt ?? e.authorizedAt;
      return Number.isSafeInteger(e.amount) && e.amount > 0 && e.expiresAt > e.authorizedAt && e.authorizedAt <= committedAt;
    },
    // A capture approval is applied only for a positive amount within what was asked.
    validCaptureApproval: ({ context, event }) => {
      const e = event as Ev<'CAPTURE_APPROVED'>;
      return Number.isSafeInteger(e.amount) && e.amount > 0 && e.amount <= (context.pending?.amount ?? 0);
    },
    notSentIsOpen: ({ context, event }) => isResumedCall(context.pending, (event as Ev<'OPERATION_NOT_SENT'>).resumed),
    captureCompletes: ({ context, event }) =>
      context.capturedAmount + (event as Ev<'CAPTURE_APPROVED'>).amount >= context.amount,
    captureCloses: ({ context }) =>
      (context.pending?.final ?? false) || context.captureCount + 1 >= context.capabilities.maxCaptures,
    nothingCaptured: ({ context }) => context.capturedAmount === 0,
    returnsToAuthorized: ({ context }) => context.pending?.returnTo === 'authorized',
    pendingAuthorize: ({ context }) => context.pending?.operation === 'authorize',
    pendingCapture: ({ context }) => context.pending?.operation === 'capture',
    pendingVoid: ({ context }) => context.pending?.operation === 'void',
    pendingReauthorize: ({ context }) => context.pending?.operation === 'reauthorize',
    pendingReplace: ({ context }) => context.pending?.operation === 'replace',
    pendingExtension: ({ context }) => context.pending?.operation === 'reauthorize' || context.pending?.operation === 'replace',
    // An authorization whose request was definitively never sent may be sent again under its key.
    neverSent: ({ context }) => context.pending?.operation === 'authorize' && context.lastError?.code === 'NOT_SENT',
    validResolution: ({ context, event }) => {
      const e = event as Ev<'RESOLVE'>;
      return resolutionRefusal(context, e.resolution, e.amount, e.reason) === null;
    },
    resolvedCaptured: ({ event }) => (event as Ev<'RESOLVE'>).resolution === 'captured',
    resolvedVoided: ({ event }) => (event as Ev<'RESOLVE'>).resolution === 'voided',
    resolvedCaptureCompletes: ({ context, event }) =>
      context.capturedAmount + ((event as Ev<'RESOLVE'>).amount ?? 0) >= context.amount,
    // "Not captured" while the window is still open: the hold is open again, as if refused.
    resolvedNotCapturedOpen: ({ context, event }) =>
      (event as Ev<'RESOLVE'>).resolution === 'not_captured' &&
      context.pending?.operation !== 'authorize' &&
      context.expiresAt !== null &&
      event.at < context.expiresAt,
  },
  actions: {
    // The one effect the host performs, after persisting the snapshot that names it.
    callGateway: (_, _params: PendingOperation) => {},
    startCapture: assign(({ context, event }) => {
      const e = event as Ev<'CAPTURE'>;
      return {
        pending: {
          operation: 'capture' as const,
          idempotencyKey: e.idempotencyKey,
          amount: e.amount,
          final: e.final,
          returnTo: context.captureCount === 0 ? ('authorized' as const) : ('partially_captured' as const),
          unknownAttempts: 0,
          retryAt: null,
          committedAt: e.at,
          deadline: context.expiresAt,
        },
        lastError: null,
      };
    }),
    startVoid: assign(({ context, event }) => {
      const e = event as Ev<'VOID'>;
      return {
        pending: {
          operation: 'void' as const,
          idempotencyKey: e.idempotencyKey,
          amount: Math.max(0, context.amount - context.capturedAmount),
          final: true,
          returnTo: context.captureCount === 0 ? ('authorized' as const) : ('partially_captured' as const),
          unknownAttempts: 0,
          retryAt: null,
          committedAt: e.at,
          deadline: context.expiresAt,
        },
        lastError: null,
      };
    }),
    startExtend: assign(({ context, event }) => extensionStart(context, event as Ev<'EXTEND'>, 'reauthorize')),
    startReplace: assign(({ context, event }) => {
      const e = event as Ev<'REPLACE'>;
      const start = extensionStart(context, e, 'replace');
      return { ...start, pending: { ...start.pending, replacementId: e.replacementId } };
    }),
    // The replacement is authorized: this authorization is released (a void of what remains), and
    // from now on the hold points at its replacement.
    startRelease: assign(({ context, event }) => {
      const e = event as Ev<'REPLACED'>;
      return {
        replacedBy: e.replacementId,
        pending: {
          operation: 'void' as const,
          idempotencyKey: e.idempotencyKey,
          amount: Math.max(0, context.amount - context.capturedAmount),
          final: true,
          returnTo: 'authorized' as const,
          unknownAttempts: 0,
          retryAt: null,
          committedAt: e.at,
          deadline: context.expiresAt,
        },
        lastError: null,
      };
    }),
    // Replaced after this authorization's own expiry: the issuer has released it, nothing to send.
    recordReplacedLapsed: assign(({ event }) => ({ replacedBy: (event as Ev<'REPLACED'>).replacementId, lastError: null, ...clearPending })),
    recordReleaseLapsed: assign(({ event }) => ({
      lastError: {
        code: 'RELEASE_UNRESOLVED',
        message: 'the release of the replaced authorization was still unresolved when it expired; the issuer has let it lapse',
        at: event.at,
        operation: 'void' as const,
      },
      ...clearPending,
    })),
    applyReauthorization: assign(({ context, event }) => {
      const e = event as Ev<'REAUTHORIZED'>;
      const link: AuthorizationLink = { kind: 'reauthorization', ref: e.ref, amount: e.amount, at: e.reauthorizedAt, expiresAt: e.expiresAt, previousExpiresAt: context.expiresAt };
      return {
        amount: context.amount + e.amount,
        expiresAt: e.expiresAt,
        reauthorizations: [...context.reauthorizations, link],
        lastError: null,
        ...clearPending,
      };
    }),
    // The reauthorization's deadline came with its outcome open: the hold keeps what is known (its
    // amount and expiry before the reauthorization) and falls back to its final plan now.
    abandonExtension: assign(({ context, event }) => ({
      onExpiry: context.onExpiry === 'extend' ? context.fallback : context.onExpiry,
      onExpiryAmount: null,
      lastError: {
        code: 'EXTENSION_UNRESOLVED',
        message: `the ${context.pending?.operation === 'replace' ? 'replacement authorization' : 'reauthorization'} was still unresolved at its deadline; nothing more is sent for it and the hold falls back to its final plan`,
        at: event.at,
        operation: context.pending?.operation === 'replace' ? ('replace' as const) : ('reauthorize' as const),
      },
      ...clearPending,
    })),
    applyAuthorization: assign(({ event }) => {
      const e = event as Ev<'AUTHORIZED'>;
      return { amount: e.amount, authorizedAt: e.authorizedAt, expiresAt: e.expiresAt, lastError: null, ...clearPending };
    }),
    applyCapture: assign(({ context, event }) => ({
      capturedAmount: context.capturedAmount + (event as Ev<'CAPTURE_APPROVED'>).amount,
      captureCount: context.captureCount + 1,
      lastError: null,
      ...clearPending,
    })),
    releaseRemainder: assign({ remainderReleased: true }),
    recordVoid: assign({ lastError: null, ...clearPending }),
    // A declined capture is never retried on its own: the plan becomes a void, so the sweeper
    // releases the customer's funds instead (an operator may set it back to capture).
    recordDecline: assign(({ context, event }) => {
      const e = event as Ev<'OPERATION_DECLINED'>;
      const operation = context.pending?.operation;
      // A declined reauthorization leaves the original on its fallback plan.
      const planChange =
        operation === 'capture'
          ? { onExpiry: 'void' as const, onExpiryAmount: null }
          : (operation === 'reauthorize' || operation === 'replace') && context.onExpiry === 'extend'
            ? { onExpiry: context.fallback, onExpiryAmount: null }
            : {};
      // A declined authorization keeps its pending record: the request it describes is the one refused.
      const pending = operation === 'authorize' ? {} : clearPending;
      return { lastError: { code: e.code, message: e.message, at: e.at, ...(operation ? { operation } : {}) }, ...planChange, ...pending };
    }),
    recordNotSent: assign(({ context, event }) => {
      const e = event as Ev<'OPERATION_NOT_SENT'>;
      const operation = context.pending?.operation;
      const pending = operation === 'authorize' ? {} : clearPending;
      return { lastError: { code: 'NOT_SENT', message: e.reason, at: e.at, ...(operation ? { operation } : {}) }, ...pending };
    }),
    // An answer that leaves the outcome open: same key, next attempt at retryAt.
    recordOpenAnswer: assign(({ context, event }) => {
      const e = event as Ev<'OPERATION_NOT_SENT'>;
      const pending = context.pending;
      return {
        pending: pending && { ...pending, unknownAttempts: pending.unknownAttempts + 1, retryAt: e.retryAt },
        lastError: {
          code: e.code,
          message: `${e.reason} (an earlier attempt may have taken effect; retried under the same key)`,
          at: e.at,
          ...(pending ? { operation: pending.operation } : {}),
        },
      };
    }),
    recordUnknown: assign(({ context, event }) => {
      const e = event as Ev<'OUTCOME_UNKNOWN'>;
      const pending = context.pending;
      return {
        pending: pending && { ...pending, unknownAttempts: pending.unknownAttempts + 1, retryAt: e.retryAt },
        lastError: { code: 'OUTCOME_UNKNOWN', message: e.reason, at: e.at, ...(pending ? { operation: pending.operation } : {}) },
      };
    }),
    retryNow: assign(({ context, event }) => ({
      pending: context.pending && { ...context.pending, retryAt: event.at },
    })),
    resendAuthorize: assign(({ context, event }) => {
      const e = event as Ev<'RESEND_AUTHORIZE'>;
      const pending = context.pending as PendingOperation;
      return {
        pending: { ...pending, unknownAttempts: 0, retryAt: null, committedAt: e.at, deadline: e.deadline },
        lastError: null,
      };
    }),
    recordOnExpiry: assign(({ event }) => {
      const e = event as Ev<'SET_ON_EXPIRY'>;
      const extend = e.onExpiry === 'extend';
      return {
        onExpiry: e.onExpiry,
        onExpiryAmount: e.amount,
        holdUntil: extend ? (e.holdUntil ?? null) : null,
        fallback: extend ? (e.fallback ?? 'void') : ('void' as const),
        extendBy: extend ? (e.extendBy ?? null) : null,
      };
    }),
    recordFlag: assign(({ context, event }) => ({
      lastError: {
        code: 'FLAGGED',
        message: (event as Ev<'FLAG'>).reason,
        at: event.at,
        ...(context.pending ? { operation: context.pending.operation } : {}),
      },
    })),
    recordUnresolvedAtExpiry: assign(({ context, event }) => ({
      lastError: {
        code: 'UNRESOLVED_AT_EXPIRY',
        message: 'the window closed while a gateway outcome was still open; an operator must reconcile it',
        at: event.at,
        ...(context.pending ? { operation: context.pending.operation } : {}),
      },
    })),
    applyResolvedCapture: assign(({ context, event }) => {
      const e = event as Ev<'RESOLVE'>;
      return { capturedAmount: context.capturedAmount + (e.amount ?? 0), captureCount: context.captureCount + 1, lastError: null, ...clearPending };
    }),
    clearForResolution: assign({ lastError: null, ...clearPending }),
  },
}).createMachine({
  id: 'hold',
  initial: 'authorizing',
  // XState's pure transition() builds a throwaway actor without input, which calls this factory; the
  // host restores the stored context over it, so a placeholder spares a thrown TypeError per call.
  context: ({ input }) => (input === undefined ? PLACEHOLDER_CONTEXT : {
    currency: input.currency,
    amount: input.requestedAmount,
    capturedAmount: 0,
    captureCount: 0,
    capabilities: input.capabilities,
    authorizedAt: null,
    expiresAt: null,
    remainderReleased: false,
    onExpiry: input.onExpiry,
    onExpiryAmount: input.onExpiryAmount ?? null,
    holdUntil: input.holdUntil ?? null,
    fallback: input.fallback ?? 'void',
    reauthorizations: [],
    reauthorizeAttempts: 0,
    extendBy: null,
    replaces: input.replaces ?? null,
    replacedBy: null,
    pending: {
      operation: 'authorize',
      idempotencyKey: input.idempotencyKey,
      amount: input.requestedAmount,
      final: false,
      returnTo: 'declined',
      unknownAttempts: 0,
      retryAt: null,
      committedAt: input.at,
      deadline: input.deadline,
    },
    lastError: null,
  }),
  states: {
    authorizing: {
      on: {
        AUTHORIZED: { guard: 'validAuthorization', target: 'authorized', actions: 'applyAuthorization' },
        OPERATION_DECLINED: { target: 'declined', actions: 'recordDecline' },
        OUTCOME_UNKNOWN: { target: 'authorizing', actions: 'recordUnknown' },
        OPERATION_NOT_SENT: [
          { guard: 'notSentIsOpen', target: 'authorizing', actions: 'recordOpenAnswer' },
          // Nothing reached the gateway, so no funds are held: the authorization did not happen.
          { target: 'declined', actions: 'recordNotSent' },
        ],
        RETRY: { guard: 'beforeDeadline', target: 'authorizing', actions: 'retryNow' },
        FLAG: { target: 'needs_attention', actions: 'recordFlag' },
        EXPIRE: { guard: 'pastDeadline', target: 'needs_attention', actions: 'recordUnresolvedAtExpiry' },
      },
    },
    authorized: {
      on: {
        CAPTURE: { guard: 'canCapture', target: 'capturing', actions: ['startCapture', gatewayCall] },
        VOID: { guard: 'canVoid', target: 'voiding', actions: ['startVoid', gatewayCall] },
        EXPIRE: [
          { guard: and(['isReplaced', 'isPastExpiry']), target: 'replaced' },
          { guard: 'isPastExpiry', target: 'expired' },
        ],
        SET_ON_EXPIRY: { guard: 'validOnExpiry', target: 'authorized', actions: 'recordOnExpiry' },
        EXTEND: { guard: 'canExtend', target: 'extending', actions: ['startExtend', gatewayCall] },
        // Nothing is sent for this hold: its replacement hold, inserted with this write, authorizes.
        REPLACE: { guard: 'canReplace', target: 'extending', actions: 'startReplace' },
      },
    },
    extending: {
      on: {
        REAUTHORIZED: { guard: 'validReauthorization', target: 'authorized', actions: 'applyReauthorization' },
        REPLACED: [
          { guard: and(['validReplacement', 'isPastExpiry']), target: 'replaced', actions: 'recordReplacedLapsed' },
          { guard: 'validReplacement', target: 'voiding', actions: ['startRelease', gatewayCall] },
        ],
        ...settleInFlight('extending'),
        // A replacement is retried as its own hold's authorization, never from here.
        RETRY: { guard: and(['beforeDeadline', not('pendingReplace')]), target: 'extending', actions: 'retryNow' },
        EXPIRE: [
          { guard: 'pastExpiry', target: 'needs_attention', actions: 'recordUnresolvedAtExpiry' },
          { guard: 'pastDeadline', target: 'authorized', actions: 'abandonExtension' },
        ],
      },
    },
    capturing: {
      on: {
        CAPTURE_APPROVED: [
          { guard: and(['validCaptureApproval', 'captureCompletes']), target: 'captured', actions: 'applyCapture' },
          { guard: and(['validCaptureApproval', 'captureCloses']), target: 'partially_captured', actions: ['applyCapture', 'releaseRemainder'] },
          { guard: 'validCaptureApproval', target: 'partially_captured', actions: 'applyCapture' },
        ],
        ...settleInFlight('capturing'),
      },
    },
    partially_captured: {
      on: {
        CAPTURE: { guard: 'canCapture', target: 'capturing', actions: ['startCapture', gatewayCall] },
        VOID: { guard: 'canVoid', target: 'voiding', actions: ['startVoid', gatewayCall] },
        EXPIRE: { guard: ({ context, event }) => !context.remainderReleased && isPastExpiry(context, event.at), target: 'partially_captured', actions: 'releaseRemainder' },
        SET_ON_EXPIRY: { guard: 'validOnExpiry', target: 'partially_captured', actions: 'recordOnExpiry' },
      },
    },
    voiding: {
      on: {
        VOID_APPROVED: [
          { guard: 'isReplaced', target: 'replaced', actions: 'recordVoid' },
          { guard: 'nothingCaptured', target: 'voided', actions: 'recordVoid' },
          { target: 'partially_captured', actions: ['recordVoid', 'releaseRemainder'] },
        ],
        ...settleInFlight('voiding'),
        // A replaced authorization whose release was refused, or stayed open until it expired, is
        // still replaced: the issuer lets it lapse; its funds are not the order's any more.
        OPERATION_DECLINED: [
          { guard: 'isReplaced', target: 'replaced', actions: 'recordDecline' },
          ...settleInFlight('voiding').OPERATION_DECLINED,
        ],
        EXPIRE: [
          { guard: and(['isReplaced', 'pastDeadline']), target: 'replaced', actions: 'recordReleaseLapsed' },
          { guard: 'pastDeadline', target: 'needs_attention', actions: 'recordUnresolvedAtExpiry' },
        ],
      },
    },
    // Flagged for an operator: an outcome stayed open until the window closed, or could not be
    // learned, or the gateway's answer disagreed with the hold. A late answer about the pending
    // operation (reconciliation) is still applied; nothing new is sent from here unless an operator
    // asks for a retry before the deadline.
    needs_attention: {
      on: {
        AUTHORIZED: { guard: and(['pendingAuthorize', 'validAuthorization']), target: 'authorized', actions: 'applyAuthorization' },
        CAPTURE_APPROVED: [
          { guard: and(['pendingCapture', 'validCaptureApproval', 'captureCompletes']), target: 'captured', actions: 'applyCapture' },
          { guard: and(['pendingCapture', 'validCaptureApproval']), target: 'partially_captured', actions: ['applyCapture', 'releaseRemainder'] },
        ],
        VOID_APPROVED: [
          { guard: and(['pendingVoid', 'isReplaced']), target: 'replaced', actions: 'recordVoid' },
          { guard: and(['pendingVoid', 'nothingCaptured']), target: 'voided', actions: 'recordVoid' },
          { guard: 'pendingVoid', target: 'partially_captured', actions: ['recordVoid', 'releaseRemainder'] },
        ],
        REAUTHORIZED: { guard: 'validReauthorization', target: 'authorized', actions: 'applyReauthorization' },
        REPLACED: [
          { guard: and(['validReplacement', 'isPastExpiry']), target: 'replaced', actions: 'recordReplacedLapsed' },
          { guard: 'validReplacement', target: 'voiding', actions: ['startRelease', gatewayCall] },
        ],
        OPERATION_DECLINED: [
          { guard: 'pendingAuthorize', target: 'declined', actions: 'recordDecline' },
          { guard: 'pendingExtension', target: 'authorized', actions: 'recordDecline' },
          { guard: 'isReplaced', target: 'replaced', actions: 'recordDecline' },
          { guard: 'nothingCaptured', target: 'expired', actions: 'recordDecline' },
          { target: 'partially_captured', actions: ['recordDecline', 'releaseRemainder'] },
        ],
        RETRY: [
          { guard: and(['beforeDeadline', 'pendingAuthorize']), target: 'authorizing', actions: 'retryNow' },
          { guard: and(['beforeDeadline', 'pendingCapture']), target: 'capturing', actions: 'retryNow' },
          { guard: and(['beforeDeadline', 'pendingVoid']), target: 'voiding', actions: 'retryNow' },
          { guard: and(['beforeDeadline', 'pendingReauthorize']), target: 'extending', actions: 'retryNow' },
        ],
        // Every branch needs a valid resolution, so an invalid one is refused (can() is false).
        RESOLVE: [
          { guard: and(['validResolution', 'resolvedCaptured', 'resolvedCaptureCompletes']), target: 'captured', actions: 'applyResolvedCapture' },
          { guard: and(['validResolution', 'resolvedCaptured']), target: 'partially_captured', actions: ['applyResolvedCapture', 'releaseRemainder'] },
          { guard: and(['validResolution', 'resolvedVoided', 'isReplaced']), target: 'replaced', actions: 'clearForResolution' },
          { guard: and(['validResolution', 'resolvedVoided', 'nothingCaptured']), target: 'voided', actions: 'clearForResolution' },
          { guard: and(['validResolution', 'resolvedVoided']), target: 'partially_captured', actions: ['clearForResolution', 'releaseRemainder'] },
          { guard: and(['validResolution', 'resolvedNotCapturedOpen', 'nothingCaptured']), target: 'authorized', actions: 'clearForResolution' },
          { guard: and(['validResolution', 'resolvedNotCapturedOpen']), target: 'partially_captured', actions: 'clearForResolution' },
          { guard: and(['validResolution', 'pendingAuthorize']), target: 'declined', actions: 'clearForResolution' },
          { guard: and(['validResolution', 'nothingCaptured']), target: 'expired', actions: 'clearForResolution' },
          { guard: 'validResolution', target: 'partially_captured', actions: ['clearForResolution', 'releaseRemainder'] },
        ],
      },
    },
    // Not final: an authorization that was definitively never sent can be sent again under its key.
    declined: {
      on: {
        RESEND_AUTHORIZE: { guard: 'neverSent', target: 'authorizing', actions: 'resendAuthorize' },
      },
    },
    captured: { type: 'final' },
    voided: { type: 'final' },
    replaced: { type: 'final' },
    expired: { type: 'final' },
  },
});
