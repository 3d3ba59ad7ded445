// What the request log keeps of a gateway request instead of its body: which authorization it
// targets, the amount it asks for, and a digest of the body. Bodies may carry card data (PayCertify
// auth takes a raw PAN), so the text itself is never kept.
import { createHash } from 'node:crypto';
import { tryParseJson } from './http-io.js';
import { amountOf } from './kushki-routes.js';
import { decimal } from './paycertify-routes.js';
import type { SimGateway, SimLedger, SimOperation } from './sim-ledger.js';

/** The facts about one request that the oracle needs. */
export interface RequestFacts {
  /** Kushki ticketNumber (capture body, void path) or PayCertify transaction id (path); null for authorize. */
  authorizationRef: string | null;
  /** The requested amount in minor units, when the request states one in a readable form. */
  amount: number | null;
  currency: string | null;
  /** sha256 (hex) of the raw body text; the digest of '' when there is none. */
  bodySha256: string;
}

/** sha256 of a body's text, hex. */
export function bodyDigest(bodyText: string): string {
  return createHash('sha256').update(bodyText).digest('hex');
}

// A ticket number sent as a bare JSON number above 2^53 has already lost digits in JSON.parse:
// read it from the text instead.
function kushkiTicket(body: Record<string, unknown>, bodyText: string): string | null {
  const value = body.ticketNumber;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return /"ticketNumber"\s*:\s*(\d+)/.exec(bodyText)?.[1] ?? String(value);
  return null;
}

function currencyOf(value: unknown): string | null {
  return value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>).currency === 'string' ? String((value as Record<string, unknown>).currency) : null;
}

/** Extracts the target, amount and digest of a gateway request (route params come from the path). */
export function requestFacts(
  gateway: SimGateway,
  operation: SimOperation,
  params: Record<string, string>,
  bodyText: string,
  ledger: SimLedger,
): RequestFacts {
  const json = tryParseJson(bodyText);
  const body = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const bodySha256 = bodyDigest(bodyText);
  if (gateway === 'kushki') {
    const authorizationRef = operation === 'authorize' ? null : operation === 'capture' || operation === 'reauthorize' ? kushkiTicket(body, bodyText) : (params.ticketNumber ?? null);
    const amount = body.amount === undefined ? null : amountOf(body.amount);
    const zeroCurrency = operation === 'reauthorize' && amount === null ? currencyOf(body.amount) : null;
    if (zeroCurrency !== null) return { authorizationRef, amount: 0, currency: zeroCurrency, bodySha256 };
    return { authorizationRef, amount: amount?.total ?? null, currency: amount?.currency ?? null, bodySha256 };
  }
  const authorizationRef = operation === 'authorize' ? null : (params.id ?? null);
  // PayCertify's capture body has no currency: the authorization's. Its auth defaults to USD as the route does.
  const stated = typeof body.currency === 'string' ? body.currency : null;
  const currency = operation === 'authorize' ? (stated ?? 'USD') : ((authorizationRef === null ? undefined : ledger.authorization(authorizationRef)?.currency) ?? stated);
  const amount = currency === null || body.amount === undefined ? null : decimal(body.amount, currency);
  return { authorizationRef, amount, currency: amount === null ? null : currency, bodySha256 };
}
