// The lifecycle of one authorization hold. Pure: the host computes the next snapshot with
// `transition()`, persists it, and only then performs the effect named by `context.pending`.
// Gateway results come back as events; time comes in as `at` on every event.
import { and, assign, not, setup } from 'xstate';
import {
  type Capabilities,
  captureRefusal,
  isPastExpiry,
  onExpiryRefusal,
  voidRefusal,
} from './hold-rules.js';

/** Bumped whenever the shape of a persisted snapshot changes; snapshots of other versions are refused. */
export const HOLD_MACHINE_VERSION = 1;

/** Every state a hold can be in. */
export const HOLD_STATES = [
  'authorizing',
  'authorized',
  'capturing',
  'partially_captured',
  'captured',
  'voiding',
  'voided',
  'expired',
  'declined',
  'needs_attention',
] as const;
export type HoldState = (typeof HOLD_STATES)[number];

/** States with a gateway call whose outcome is not yet known. */
export const IN_FLIGHT_STATES = ['authorizing', 'capturing', 'voiding'] as const satisfies readonly HoldState[];

export type OnExpiry = 'capture' | 'void';
export type Operation = 'authorize' | 'capture' | 'void';

/** The durable record of a gateway call in flight: committed before the call is made. */
export interface PendingOperation {
  operation: Operation;
  idempotencyKey: string;
  /** Minor units asked for (authorize, capture) or released (void). */
  amount: number;
  /** For a capture: release whatever remains afterwards. */
  final: boolean;
  /** The state to return to if the gateway refuses or the call was never sent. */
  returnTo: 'authorized' | 'partially_captured' | 'declined';
  /** Attempts whose outcome came back unknown, all under `idempotencyKey`. */
  unknownAttempts: number;
  /** When the next attempt under the same key may be made, after an unknown outcome. */
  retryAt: number | null;
}

export interface HoldContext {
  currency: string;
  /** Authorized amount in minor units (0 until the gateway approves). */
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
  pending: PendingOperation | null;
  /** The last refusal or failure, and which operation it was about. */
  lastError: { code: string; message: string; at: number; operation?: Operation } | null;
}

export interface HoldInput {
  currency: string;
  requestedAmount: number;
  capabilities: Capabilities;
  idempotencyKey: string;
  onExpiry: OnExpiry;
  onExpiryAmount?: number | null;
}

export type HoldEvent =
  | { type: 'AUTHORIZED'; amount: number; authorizedAt: number; expiresAt: number; at: number }
  | { type: 'AUTHORIZE_DECLINED'; code: string; message: string; at: number }
  | { type: 'CAPTURE'; amount: number; final: boolean; idempotencyKey: string; at: number }
  | { type: 'CAPTURE_APPROVED'; amount: number; at: number }
  | { type: 'VOID'; idempotencyKey: string; at: number }
  | { type: 'VOID_APPROVED'; at: number }
  /** The gateway refused the pending capture or void: nothing happened, the hold returns. */
  | { type: 'OPERATION_DECLINED'; code: string; message: string; at: number }
  /** The pending call was never sent (connection refused, DNS): safe to decide again. */
  | { type: 'OPERATION_NOT_SENT'; reason: string; at: number }
  /** The pending call may or may not have happened; retry under the same key from `retryAt`. */
  | { type: 'OUTCOME_UNKNOWN'; reason: string; retryAt: number; at: number }
  | { type: 'EXPIRE'; at: number }
  /** Give up on an in-flight call whose outcome cannot be learned: an operator must reconcile it. */
  | { type: 'FLAG'; reason: string; at: number }
  | { type: 'SET_ON_EXPIRY'; onExpiry: OnExpiry; amount: number | null; at: number };

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
  pending: null,
  lastError: null,
};

// What capturing and voiding share: a refusal or a call never sent returns the hold where it was;
// an unknown outcome stays in flight (same key); past expiresAt, or flagged, an operator decides.
function settleInFlight(self: 'capturing' | 'voiding') {
  return {
    OPERATION_DECLINED: [
      { guard: 'returnsToAuthorized', target: 'authorized', actions: 'recordDecline' },
      { target: 'partially_captured', actions: 'recordDecline' },
    ],
    OPERATION_NOT_SENT: [
      { guard: 'returnsToAuthorized', target: 'authorized', actions: 'recordNotSent' },
      { target: 'partially_captured', actions: 'recordNotSent' },
    ],
    OUTCOME_UNKNOWN: { target: self, actions: 'recordUnknown' },
    FLAG: { target: 'needs_attention', actions: 'recordFlag' },
    EXPIRE: { guard: 'isPastExpiry', target: 'needs_attention', actions: 'recordUnresolvedAtExpiry' },
  } as const;
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
      return !context.remainderReleased && captureRefusal(context, e.amount, e.at) === null;
    },
    canVoid: ({ context, event }) => !context.remainderReleased && voidRefusal(context, event.at) === null,
    isPastExpiry: ({ context, event }) => isPastExpiry(context, event.at),
    isOpen: ({ context }) => !context.remainderReleased,
    validOnExpiry: ({ context, event }) => {
      const e = event as Ev<'SET_ON_EXPIRY'>;
      return !context.remainderReleased && onExpiryRefusal(context, e.onExpiry, e.amount, e.at) === null;
    },
    validAuthorization: ({ event }) => {
      const e = event as Ev<'AUTHORIZED'>;
      return Number.isSafeInteger(e.amount) && e.amount > 0 && e.expiresAt > e.authorizedAt;
    },
    captureCompletes: ({ context, event }) =>
      context.capturedAmount + (event as Ev<'CAPTURE_APPROVED'>).amount >= context.amount,
    captureCloses: ({ context }) =>
      (context.pending?.final ?? false) || context.captureCount + 1 >= context.capabilities.maxCaptures,
    nothingCaptured: ({ context }) => context.capturedAmount === 0,
    returnsToAuthorized: ({ context }) => context.pending?.returnTo === 'authorized',
    pendingAuthorize: ({ context }) => context.pending?.operation === 'authorize',
    pendingCapture: ({ context }) => context.pending?.operation === 'capture',
    pendingVoid: ({ context }) => context.pending?.operation === 'void',
    returnsToPartial: ({ context }) => context.pending?.returnTo === 'partially_captured',
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
        },
        lastError: null,
      };
    }),
    applyAuthorization: assign(({ event }) => {
      const e = event as Ev<'AUTHORIZED'>;
      return { amount: e.amount, authorizedAt: e.authorizedAt, expiresAt: e.expiresAt, ...clearPending };
    }),
    applyCapture: assign(({ context, event }) => ({
      capturedAmount: context.capturedAmount + (event as Ev<'CAPTURE_APPROVED'>).amount,
      captureCount: context.captureCount + 1,
      ...clearPending,
    })),
    releaseRemainder: assign({ remainderReleased: true }),
    recordVoid: assign(clearPending),
    // A declined capture is never retried on its own: the plan becomes a void, so the sweeper
    // releases the customer's funds instead (an operator may set it back to capture).
    recordDecline: assign(({ context, event }) => {
      const e = event as Ev<'OPERATION_DECLINED'> | Ev<'AUTHORIZE_DECLINED'>;
      const operation = context.pending?.operation;
      const planChange = operation === 'capture' ? { onExpiry: 'void' as const, onExpiryAmount: null } : {};
      return { lastError: { code: e.code, message: e.message, at: e.at, ...(operation ? { operation } : {}) }, ...planChange, ...clearPending };
    }),
    recordNotSent: assign(({ event }) => {
      const e = event as Ev<'OPERATION_NOT_SENT'>;
      return { lastError: { code: 'NOT_SENT', message: e.reason, at: e.at }, ...clearPending };
    }),
    recordUnknown: assign(({ context, event }) => {
      const e = event as Ev<'OUTCOME_UNKNOWN'>;
      const pending = context.pending;
      return {
        pending: pending && { ...pending, unknownAttempts: pending.unknownAttempts + 1, retryAt: e.retryAt },
        lastError: { code: 'OUTCOME_UNKNOWN', message: e.reason, at: e.at },
      };
    }),
    recordOnExpiry: assign(({ event }) => {
      const e = event as Ev<'SET_ON_EXPIRY'>;
      return { onExpiry: e.onExpiry, onExpiryAmount: e.amount };
    }),
    recordFlag: assign(({ event }) => ({
      lastError: { code: 'FLAGGED', message: (event as Ev<'FLAG'>).reason, at: event.at },
    })),
    recordUnresolvedAtExpiry: assign(({ event }) => ({
      lastError: {
        code: 'UNRESOLVED_AT_EXPIRY',
        message: 'the window closed while a gateway outcome was still unknown; an operator must reconcile it',
        at: event.at,
      },
    })),
  },
}).createMachine({
  id: 'hold',
  initial: 'authorizing',
  // XState's pure transition() builds a throwaway actor without input, which calls this factory; the
  // host restores the stored context over it, so a placeholder spares a thrown TypeError per call.
  context: ({ input }) => (input === undefined ? PLACEHOLDER_CONTEXT : {
    currency: input.currency,
    amount: 0,
    capturedAmount: 0,
    captureCount: 0,
    capabilities: input.capabilities,
    authorizedAt: null,
    expiresAt: null,
    remainderReleased: false,
    onExpiry: input.onExpiry,
    onExpiryAmount: input.onExpiryAmount ?? null,
    pending: {
      operation: 'authorize',
      idempotencyKey: input.idempotencyKey,
      amount: input.requestedAmount,
      final: false,
      returnTo: 'declined',
      unknownAttempts: 0,
      retryAt: null,
    },
    lastError: null,
  }),
  states: {
    authorizing: {
      on: {
        AUTHORIZED: { guard: 'validAuthorization', target: 'authorized', actions: 'applyAuthorization' },
        AUTHORIZE_DECLINED: { target: 'declined', actions: 'recordDecline' },
        OUTCOME_UNKNOWN: { target: 'authorizing', actions: 'recordUnknown' },
        FLAG: { target: 'needs_attention', actions: 'recordFlag' },
        // Nothing reached the gateway, so no funds are held: the authorization did not happen.
        OPERATION_NOT_SENT: { target: 'declined', actions: 'recordNotSent' },
      },
    },
    authorized: {
      on: {
        CAPTURE: { guard: 'canCapture', target: 'capturing', actions: ['startCapture', gatewayCall] },
        VOID: { guard: 'canVoid', target: 'voiding', actions: ['startVoid', gatewayCall] },
        EXPIRE: { guard: 'isPastExpiry', target: 'expired' },
        SET_ON_EXPIRY: { guard: 'validOnExpiry', target: 'authorized', actions: 'recordOnExpiry' },
      },
    },
    capturing: {
      on: {
        CAPTURE_APPROVED: [
          { guard: 'captureCompletes', target: 'captured', actions: 'applyCapture' },
          { guard: 'captureCloses', target: 'partially_captured', actions: ['applyCapture', 'releaseRemainder'] },
          { target: 'partially_captured', actions: 'applyCapture' },
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
          { guard: 'nothingCaptured', target: 'voided', actions: 'recordVoid' },
          { target: 'partially_captured', actions: ['recordVoid', 'releaseRemainder'] },
        ],
        ...settleInFlight('voiding'),
      },
    },
    // Flagged for an operator: an outcome stayed unknown until the window closed (or could not be
    // learned). A late answer about the pending operation (reconciliation) is still applied; nothing
    // new is ever sent from here.
    needs_attention: {
      on: {
        AUTHORIZED: { guard: and(['pendingAuthorize', 'validAuthorization']), target: 'authorized', actions: 'applyAuthorization' },
        AUTHORIZE_DECLINED: { guard: 'pendingAuthorize', target: 'declined', actions: 'recordDecline' },
        CAPTURE_APPROVED: [
          { guard: and(['pendingCapture', 'captureCompletes']), target: 'captured', actions: 'applyCapture' },
          { guard: 'pendingCapture', target: 'partially_captured', actions: ['applyCapture', 'releaseRemainder'] },
        ],
        VOID_APPROVED: [
          { guard: and(['pendingVoid', 'nothingCaptured']), target: 'voided', actions: 'recordVoid' },
          { guard: 'pendingVoid', target: 'partially_captured', actions: ['recordVoid', 'releaseRemainder'] },
        ],
        OPERATION_DECLINED: [
          { guard: and([not('pendingAuthorize'), 'nothingCaptured']), target: 'expired', actions: 'recordDecline' },
          { guard: not('pendingAuthorize'), target: 'partially_captured', actions: ['recordDecline', 'releaseRemainder'] },
        ],
      },
    },
    captured: { type: 'final' },
    voided: { type: 'final' },
    expired: { type: 'final' },
    declined: { type: 'final' },
  },
});
