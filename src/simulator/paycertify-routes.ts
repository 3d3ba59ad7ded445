// Simulated PayCertify: auth with a raw card, capture and void by transaction id. Declines by the
// processor come back as 200 with an unsuccessful event; validation and state errors as 422 with
// PayCertify's { error: { status, message } } body. The raw card number is only read here, never
// kept: the ledger and the stored transaction hold its mask. The permissive ledger mode lifts the
// capture-once / void-while-authorized / no-overcapture rules; processor declines still apply.
import { formatAmount, parseAmount } from '../money/money.js';
import { maskPan } from '../gateways/redact.js';
import { approvedAmount } from './card-registry.js';
import { PAYCERTIFY_ALREADY_CAPTURED, PAYCERTIFY_ALREADY_VOIDED } from './fault-replies.js';
import { captureLimit, expiresAtFor, type SimReply, type SimRequest, type SimState } from './sim-state.js';

const UNAUTHORIZED: SimReply = { status: 401, body: { error: { status: 401, message: 'Unauthorized: invalid API token' } } };

function invalid(message: string | Record<string, string[]>, status = 422): SimReply {
  return { status, body: { error: { status, message } } };
}

function authorized(req: SimRequest, state: SimState): boolean {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/.exec(header) : null;
  if (!match) return false;
  return state.settings.paycertifyApiToken === null || match[1] === state.settings.paycertifyApiToken;
}

/** A PayCertify decimal amount (string or number) in minor units, or null when it is not one. */
export function decimal(value: unknown, currency: string): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  try {
    return parseAmount(String(value), currency);
  } catch {
    return null;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function event(state: SimState, type: string, success: boolean, amount: number, currency: string, code: string, message: string): Record<string, unknown> {
  const at = iso(state.clock.now());
  return {
    id: state.uuids.next(),
    success,
    event_type: type,
    amount: formatAmount(amount, currency),
    processor_code: code,
    processor_message: message,
    processor_transaction_id: state.tickets.next().slice(-15),
    created_at: at,
    updated_at: at,
  };
}

function transactionBody(state: SimState, id: string): Record<string, unknown> {
  return { transaction: { ...state.paycertifyTransactions.get(id), updated_at: iso(state.clock.now()), events: state.paycertifyEvents.get(id) ?? [] } };
}

/** POST /api/transactions/auth */
export function paycertifyAuth(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return UNAUTHORIZED;
  const body = (req.json ?? {}) as Record<string, unknown>;
  const currency = typeof body.currency === 'string' ? body.currency : 'USD';
  const problems: Record<string, string[]> = {};
  const amount = decimal(body.amount, currency);
  if (amount === null) problems.amount = ['must be a decimal amount of at least 0.01'];
  const pan = typeof body.card_number === 'string' ? body.card_number : '';
  if (!/^\d{8,19}$/.test(pan)) problems.card_number = ['is invalid'];
  if (typeof body.card_expiry_month !== 'string' || !/^(0[1-9]|1[0-2])$/.test(body.card_expiry_month)) problems.card_expiry_month = ['is invalid'];
  if (typeof body.card_expiry_year !== 'string' || !/^\d{4}$/.test(body.card_expiry_year)) problems.card_expiry_year = ['is invalid'];
  if (typeof body.merchant_transaction_id !== 'string' || body.merchant_transaction_id === '') problems.merchant_transaction_id = ["can't be blank"];
  if (amount === null || Object.keys(problems).length > 0) return invalid(problems);

  const card = state.cards.forCard(pan);
  const id = state.uuids.next();
  const now = state.clock.now();
  state.paycertifyTransactions.set(id, {
    id,
    merchant_transaction_id: body.merchant_transaction_id,
    transaction_type: 'card',
    card_number: `${pan.slice(0, 6)}******${pan.slice(-4)}`,
    card_brand: pan.startsWith('4') ? 'visa' : pan.startsWith('5') ? 'mastercard' : 'other',
    card_expiry_month: body.card_expiry_month,
    card_expiry_year: body.card_expiry_year,
    created_at: iso(now),
  });
  if (card.declineAuthorization) {
    state.paycertifyEvents.set(id, [event(state, 'auth', false, amount, currency, '05', card.declineAuthorization.message)]);
    return { status: 200, body: transactionBody(state, id) };
  }
  const approved = approvedAmount(card, amount);
  if (approved <= 0) {
    state.paycertifyEvents.set(id, [event(state, 'auth', false, amount, currency, '51', 'Insufficient funds')]);
    return { status: 200, body: transactionBody(state, id) };
  }
  state.cardOf.set(id, card);
  state.paycertifyEvents.set(id, [event(state, 'auth', true, approved, currency, approved < amount ? '10' : '00', approved < amount ? 'Partial approval' : 'Approved')]);
  state.ledger.recordAuthorization(
    {
      gateway: 'paycertify',
      ref: id,
      subscriptionId: null,
      orderId: String(body.merchant_transaction_id),
      maskedCard: maskPan(pan),
      cardType: card.cardType,
      currency,
      requestedAmount: amount,
      authorizedAmount: approved,
      authorizedAt: now,
      expiresAt: expiresAtFor(state.settings, 'paycertify', card.cardType, now),
    },
    req.idempotencyKey,
  );
  return { status: 200, body: transactionBody(state, id) };
}

/** POST /api/transactions/:id/capture */
export function paycertifyCapture(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return UNAUTHORIZED;
  const id = req.params.id ?? '';
  const auth = state.ledger.authorization(id);
  if (auth === undefined || auth.gateway !== 'paycertify') return invalid('Transaction not found', 404);
  const body = (req.json ?? {}) as Record<string, unknown>;
  const amount = decimal(body.amount, auth.currency);
  if (amount === null) return invalid({ amount: ['must be a decimal amount of at least 0.01'] });
  if (state.settings.ledgerMode === 'strict') {
    if (auth.status === 'captured') return invalid(PAYCERTIFY_ALREADY_CAPTURED);
    if (auth.status === 'voided') return invalid('Transaction has been voided');
    if (amount > captureLimit(auth.authorizedAmount, state.settings.paycertifyOvercaptureBps)) {
      return invalid({ amount: ['is greater than the authorized amount'] });
    }
  }
  const events = state.paycertifyEvents.get(id) ?? [];
  const card = state.cardOf.get(id);
  if (card?.declineCapture) {
    events.push(event(state, 'capture', false, amount, auth.currency, '05', card.declineCapture.message));
    return { status: 200, body: transactionBody(state, id) };
  }
  const captured = event(state, 'capture', true, amount, auth.currency, '00', 'Approved');
  events.push(captured);
  state.ledger.recordCapture(id, String(captured.id), amount, state.clock.now(), req.idempotencyKey);
  return { status: 200, body: transactionBody(state, id) };
}

/** POST /api/transactions/:id/void — only while authorized (strict ledger mode). */
export function paycertifyVoid(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return UNAUTHORIZED;
  const id = req.params.id ?? '';
  const auth = state.ledger.authorization(id);
  if (auth === undefined || auth.gateway !== 'paycertify') return invalid('Transaction not found', 404);
  if (state.settings.ledgerMode === 'strict') {
    if (auth.status === 'captured') return invalid('Transaction has already been captured and cannot be voided');
    if (auth.status === 'voided') return invalid(PAYCERTIFY_ALREADY_VOIDED);
  }
  const voided = event(state, 'void', true, auth.authorizedAmount, auth.currency, '00', 'Approved');
  (state.paycertifyEvents.get(id) ?? []).push(voided);
  state.ledger.recordVoid(id, String(voided.id), state.clock.now(), req.idempotencyKey);
  return { status: 200, body: transactionBody(state, id) };
}
