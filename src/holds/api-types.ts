// The inputs and outputs of the embedded API (src/holds/holdfast.ts).
import type { Logger } from 'pino';
import type { ExtensionMethod, FinalPlan, HoldState, OnExpiry, Resolution } from '../../machines/hold.machine.js';
import type { Actor, CardType, Hold } from '../../machines/hold-types.js';
import type { Clock } from '../clock.js';
import type { ExpiryPolicy, GatewayWindows } from '../policy/expiry-policy.js';
import type { CardInput, Gateway } from '../gateways/types.js';

/**
 * How to open holdfast. Every setting not given here comes from the one configuration the CLI and
 * the daemon read too: the environment, then the configuration file, then the default.
 */
export interface OpenHoldfastOptions {
  /** A SQLite file path or a `postgres://` URL. Default: $HOLDFAST_DB, the file's `database`, `./holdfast.db`. */
  database?: string;
  /** Create the SQLite file when it does not exist (default true); false: a missing database is DATABASE_NOT_FOUND. */
  create?: boolean;
  /** Bring the schema up to date on open (default true); false: an outdated or empty database is refused, nothing is created. */
  migrate?: boolean;
  /** The gateways holds may use, by name. Default: Kushki and/or PayCertify from the environment. */
  gateways?: Gateway[];
  /** Windows and lead time as one object (wins over `leadTimeMs` and `windows`). */
  policy?: ExpiryPolicy;
  /** How long before expiresAt holds are acted on. Default: $HOLDFAST_LEAD_TIME, the file's `leadTime`, 24 h. */
  leadTimeMs?: number;
  /** Shorter windows per gateway and card type. Default: the file's `windows`, the documented ones. */
  windows?: Record<string, Partial<GatewayWindows>>;
  /** Webhook receiver: outbox rows are written only while one is configured. Default: $HOLDFAST_WEBHOOK_URL, the file's `webhook.url`, none. */
  webhookUrl?: string | null;
  /** The environment to read (default process.env) and the directory of holdfast.config.json (default cwd). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
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
  /** Only open holds (anything may still happen to them) or only closed ones; default open first, then closed. */
  status?: 'open' | 'closed';
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


/** Options of setOnExpiry. */
export interface SetOnExpiryOptions {
  /** Planned capture amount (capture plan only); null: everything still capturable. */
  amount?: number | null;
  /** An own actBy (null: back to expiresAt − the lead time); not with an extend plan. */
  actBy?: number | null;
  /** Extend plan: keep the funds until this time (epoch ms), then apply `fallback`. */
  holdUntil?: number | null;
  /** Extend plan: the final plan at holdUntil or when an extension fails (default void). */
  fallback?: FinalPlan;
  /** Extend plan: extend by reauthorization or by replacement (default: reauthorization where the gateway has it, else replacement). */
  by?: ExtensionMethod;
}

/** Options of extend. */
export interface ExtendOptions {
  /** Keep extending until this time (sets the extend plan). */
  holdUntil?: number;
  /** The new authorized total in minor units (default: the current amount, only extending). */
  amount?: number;
  /** The final plan at holdUntil (default: the current extend plan's, else void). */
  fallback?: FinalPlan;
  /** Extend by reauthorization or by replacement (default: reauthorization where the gateway has it, else replacement). */
  by?: ExtensionMethod;
}
