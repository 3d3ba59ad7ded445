// Everything the simulated gateways share: ledger, issuer, ids, clock and settings.
import type { Clock } from '../clock.js';
import type { CardType } from '../gateways/types.js';
import type { CardRegistry, ResolvedCard } from './card-registry.js';
import type { SimExpiryWindows } from './expiry-windows.js';
import type { SimGateway, SimLedger } from './sim-ledger.js';
import type { TicketSequence, UuidSequence } from './sim-ids.js';

/**
 * strict: the OneClick rules (one capture, up to the overcapture allowance, void only while
 * authorized). permissive: every executed capture and void takes effect and is approved, as on a
 * multi-capture network, so a double send shows up in the ledger as a double effect.
 */
export type SimLedgerMode = 'strict' | 'permissive';

/** honoured: a 2xx is stored per Idempotency-Key and replayed. ignored: every request executes. */
export type SimIdempotency = 'honoured' | 'ignored';

/** Settings of the simulated gateways. */
export interface SimSettings {
  /** When set, Kushki requests with another Private-Merchant-Id get K004; otherwise any non-empty id works. */
  kushkiPrivateMerchantId: string | null;
  /** When set, PayCertify requests with another bearer token get 401; otherwise any non-empty token works. */
  paycertifyApiToken: string | null;
  /** Refuse unregistered Kushki subscription ids with K012 instead of defaulting them. */
  strictSubscriptions: boolean;
  /** Answer a successful Kushki void with 204 and no body instead of 200 with JSON. */
  kushkiVoidNoContent: boolean;
  /** Unit of Kushki's details.created (both appear in Kushki's published examples). */
  kushkiCreatedUnit: 'ms' | 's';
  /** Overcapture allowance, basis points: Kushki 1000 (110 %), PayCertify 0. */
  kushkiOvercaptureBps: number;
  paycertifyOvercaptureBps: number;
  ledgerMode: SimLedgerMode;
  idempotency: SimIdempotency;
  expiryWindows: SimExpiryWindows;
}

/** What a route handler reads and writes. */
export interface SimState {
  clock: Clock;
  ledger: SimLedger;
  cards: CardRegistry;
  tickets: TicketSequence;
  uuids: UuidSequence;
  settings: SimSettings;
  /** The issuer's view of each authorization's card, fixed at authorization time. */
  cardOf: Map<string, ResolvedCard>;
  /** PayCertify transactions' events, including declined ones, by transaction id. */
  paycertifyEvents: Map<string, Record<string, unknown>[]>;
  paycertifyTransactions: Map<string, Record<string, unknown>>;
}

/** A request as a route handler sees it. */
export interface SimRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
  idempotencyKey: string | null;
}

/** What a route handler answers; it has already committed its effect, if any. */
export interface SimReply {
  status: number;
  body?: unknown;
}

/** Integer minor units → the largest total a capture may reach with an allowance in basis points. */
export function captureLimit(authorized: number, bps: number): number {
  return Number((BigInt(authorized) * BigInt(10_000 + bps)) / 10_000n);
}

/** When an authorization approved at `authorizedAt` expires at the issuer. */
export function expiresAtFor(settings: SimSettings, gateway: SimGateway, cardType: CardType, authorizedAt: number): number {
  return authorizedAt + settings.expiryWindows[gateway][cardType];
}
