// Simulated Kushki OneClick: authorize / capture on a subscription, void by ticket number, with the
// OneClick rules (one capture per authorization, up to 110 %, void only while authorized) in the
// strict ledger mode; in the permissive mode those rules are lifted and every capture and void that
// reaches a known authorization takes effect. Issuer declines apply in both modes.
import { formatAmount, parseAmount } from '../money/money.js';
import { maskPan } from '../gateways/redact.js';
import { approvedAmount } from './card-registry.js';
import { KUSHKI_ALREADY_CAPTURED, KUSHKI_ALREADY_VOIDED } from './fault-replies.js';
import { captureLimit, expiresAtFor, type SimReply, type SimRequest, type SimState } from './sim-state.js';

const K004 = { status: 401, body: { code: 'K004', message: 'ID de comercio o credencial no válido' } };

function k001(message = 'Cuerpo de la petición inválido.'): SimReply {
  return { status: 400, body: { code: 'K001', message } };
}

function authorized(req: SimRequest, state: SimState): boolean {
  const header = req.headers['private-merchant-id'];
  const value = typeof header === 'string' ? header.trim() : '';
  if (value === '') return false;
  return state.settings.kushkiPrivateMerchantId === null || value === state.settings.kushkiPrivateMerchantId;
}

type WireAmount = { subtotalIva: number; subtotalIva0: number; iva: number; ice: number; currency: string };

/** Kushki's amount object's parts, in minor units, summed exactly; null when any part is not a usable amount. */
export function amountOf(value: unknown): { total: number; currency: string; wire: WireAmount } | null {
  if (value === null || typeof value !== 'object') return null;
  const a = value as Record<string, unknown>;
  if (typeof a.currency !== 'string') return null;
  const currency = a.currency;
  let total = 0;
  for (const part of ['subtotalIva', 'subtotalIva0', 'iva', 'ice'] as const) {
    const v = a[part] ?? 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
    try {
      total += parseAmount(String(v), currency, { allowZero: true });
    } catch {
      return null;
    }
  }
  if (total <= 0) return null;
  const wire = { subtotalIva: Number(a.subtotalIva ?? 0), subtotalIva0: Number(a.subtotalIva0 ?? 0), iva: Number(a.iva ?? 0), ice: Number(a.ice ?? 0), currency };
  return { total, currency, wire };
}

function major(minor: number, currency: string): number {
  return Number(formatAmount(minor, currency));
}

function created(state: SimState): number {
  const now = state.clock.now();
  return state.settings.kushkiCreatedUnit === 's' ? Math.floor(now / 1000) : now;
}

function binInfo(pan: string, cardType: string): Record<string, unknown> {
  return { bank: 'SIMULATED BANK', binCard: pan.slice(0, 6), lastFourDigits: pan.slice(-4), ...(cardType === 'unknown' ? {} : { type: cardType }) };
}

/** POST /subscriptions/v1/card/:subscriptionId/authorize */
export function kushkiAuthorize(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return K004;
  const subscriptionId = req.params.subscriptionId ?? '';
  const body = (req.json ?? {}) as Record<string, unknown>;
  const amount = amountOf(body.amount);
  if (amount === null) return k001();
  if (state.settings.strictSubscriptions && !state.cards.knowsSubscription(subscriptionId)) {
    return { status: 400, body: { code: 'K012', message: 'ID de suscripción inválido' } };
  }
  const card = state.cards.forSubscription(subscriptionId);
  if (card.declineAuthorization) return { status: 400, body: { ...card.declineAuthorization } };
  const approved = approvedAmount(card, amount.total);
  if (approved <= 0) return { status: 400, body: { code: '021', message: 'Fondos insuficientes' } };
  const ticketNumber = state.tickets.next();
  const now = state.clock.now();
  state.cardOf.set(ticketNumber, card);
  const orderId = typeof (body.metadata as Record<string, unknown> | undefined)?.orderId === 'string' ? String((body.metadata as Record<string, unknown>).orderId) : null;
  state.ledger.recordAuthorization(
    {
      gateway: 'kushki',
      ref: ticketNumber,
      subscriptionId,
      orderId,
      maskedCard: maskPan(card.pan),
      cardType: card.cardType,
      currency: amount.currency,
      requestedAmount: amount.total,
      authorizedAmount: approved,
      authorizedAt: now,
      expiresAt: expiresAtFor(state.settings, 'kushki', card.cardType, now),
    },
    req.idempotencyKey,
  );
  return {
    status: 201,
    body: {
      ticketNumber,
      transactionReference: `sim-${ticketNumber}`,
      details: {
        approvedTransactionAmount: major(approved, amount.currency),
        requestAmount: major(amount.total, amount.currency),
        responseCode: '000',
        responseText: 'Transacción aprobada',
        approvalCode: '000000',
        merchantId: '20000000104111374000',
        binInfo: binInfo(card.pan, card.cardType),
        paymentBrand: card.pan.startsWith('4') ? 'VISA' : 'MASTERCARD',
        currencyCode: amount.currency,
        amount: { ...amount.wire },
        created: created(state),
        transactionStatus: 'APPROVAL',
        transactionType: 'PREAUTHORIZATION',
        ticketNumber,
      },
    },
  };
}

/** POST /subscriptions/v1/card/:subscriptionId/capture */
export function kushkiCapture(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return K004;
  const body = (req.json ?? {}) as Record<string, unknown>;
  const ticket = body.ticketNumber;
  if (typeof ticket !== 'string' || !/^\d+$/.test(ticket)) return k001('ticketNumber debe ser una cadena de dígitos');
  const amount = amountOf(body.amount);
  if (amount === null) return k001();
  const auth = state.ledger.authorization(ticket);
  if (auth === undefined || auth.gateway !== 'kushki') return k001(`no existe la transacción ${ticket}`);
  if (auth.subscriptionId !== req.params.subscriptionId) return { status: 400, body: { code: 'K012', message: 'ID de suscripción inválido' } };
  if (amount.currency !== auth.currency) return k001(`la moneda ${amount.currency} no coincide con ${auth.currency}`);
  if (state.settings.ledgerMode === 'strict') {
    if (auth.status === 'captured') return k001(KUSHKI_ALREADY_CAPTURED);
    if (auth.status === 'voided') return k001('la transacción fue anulada');
    if (amount.total > captureLimit(auth.authorizedAmount, state.settings.kushkiOvercaptureBps)) {
      return { status: 400, body: { code: 'K014', message: 'Monto de captura inválido: supera el 110 % de lo autorizado' } };
    }
  }
  const card = state.cardOf.get(ticket);
  if (card?.declineCapture) return { status: 400, body: { ...card.declineCapture } };
  const captureTicket = state.tickets.next();
  state.ledger.recordCapture(ticket, captureTicket, amount.total, state.clock.now(), req.idempotencyKey);
  return {
    status: 201,
    body: {
      ticketNumber: captureTicket,
      details: {
        approvedTransactionAmount: major(amount.total, amount.currency),
        requestAmount: major(amount.total, amount.currency),
        responseCode: '000',
        responseText: 'Transacción aprobada',
        approvalCode: '000000',
        binInfo: card ? binInfo(card.pan, card.cardType) : undefined,
        amount: { ...amount.wire },
        created: created(state),
        preauthTicketNumber: ticket,
        ticketNumber: captureTicket,
        transactionStatus: 'APPROVAL',
        transactionType: 'CAPTURE',
      },
    },
  };
}

/**
 * POST /card/v1/reauthorization — the ORIGINAL authorization's ticketNumber and an amount to add (all
 * zero: only extend). The window restarts now. Refused once the authorization was captured, voided or
 * expired (a reauthorization cannot revive lapsed funds). The wire shape is holdfast's assumption,
 * unverified against Kushki (src/gateways/kushki/REAUTHORIZATION.md).
 */
export function kushkiReauthorize(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return K004;
  const body = (req.json ?? {}) as Record<string, unknown>;
  const ticket = body.ticketNumber;
  if (typeof ticket !== 'string' || !/^\d+$/.test(ticket)) return k001('ticketNumber debe ser una cadena de dígitos');
  const amount = amountOrZero(body.amount);
  if (amount === null) return k001();
  const auth = state.ledger.authorization(ticket);
  if (auth === undefined || auth.gateway !== 'kushki') return k001(`no existe la transacción ${ticket}`);
  if (amount.currency !== auth.currency) return k001(`la moneda ${amount.currency} no coincide con ${auth.currency}`);
  const now = state.clock.now();
  if (auth.status !== 'authorized') return k001('la transacción no está autorizada');
  if (now >= auth.expiresAt) return k001('la autorización expiró');
  const card = state.cardOf.get(ticket);
  if (card?.declineReauthorization) return { status: 400, body: { ...card.declineReauthorization } };
  const reauthTicket = state.tickets.next();
  state.ledger.recordReauthorization(ticket, reauthTicket, amount.total, now, expiresAtFor(state.settings, 'kushki', auth.cardType, now), req.idempotencyKey);
  return {
    status: 201,
    body: {
      ticketNumber: reauthTicket,
      details: {
        approvedTransactionAmount: major(amount.total, amount.currency),
        requestAmount: major(amount.total, amount.currency),
        responseCode: '000',
        responseText: 'Transacción aprobada',
        currencyCode: amount.currency,
        amount: { ...amount.wire },
        created: created(state),
        preauthTicketNumber: ticket,
        ticketNumber: reauthTicket,
        transactionStatus: 'APPROVAL',
        transactionType: 'REAUTHORIZATION',
      },
    },
  };
}

// A reauthorization may add nothing: an all-zero amount object is valid there.
function amountOrZero(value: unknown): { total: number; currency: string; wire: WireAmount } | null {
  const found = amountOf(value);
  if (found !== null) return found;
  if (value === null || typeof value !== 'object') return null;
  const a = value as Record<string, unknown>;
  const zero = ['subtotalIva', 'subtotalIva0', 'iva', 'ice'].every((k) => (a[k] ?? 0) === 0);
  if (!zero || typeof a.currency !== 'string') return null;
  return { total: 0, currency: a.currency, wire: { subtotalIva: 0, subtotalIva0: 0, iva: 0, ice: 0, currency: a.currency } };
}

/** DELETE /v1/charges/:ticketNumber — only while authorized (strict); later it would be a refund. */
export function kushkiVoid(req: SimRequest, state: SimState): SimReply {
  if (!authorized(req, state)) return K004;
  const ticket = req.params.ticketNumber ?? '';
  const auth = state.ledger.authorization(ticket);
  if (auth === undefined || auth.gateway !== 'kushki') return k001(`no existe la transacción ${ticket}`);
  if (state.settings.ledgerMode === 'strict') {
    if (auth.status === 'captured') return k001('la transacción ya fue capturada: anularla sería un reembolso');
    if (auth.status === 'voided') return k001(KUSHKI_ALREADY_VOIDED);
  }
  const voidTicket = state.tickets.next();
  state.ledger.recordVoid(ticket, voidTicket, state.clock.now(), req.idempotencyKey);
  if (state.settings.kushkiVoidNoContent) return { status: 204 };
  return {
    status: 200,
    body: {
      ticketNumber: voidTicket,
      details: { transactionStatus: 'INITIALIZED', transactionType: 'VOID', ticketNumber: voidTicket, created: created(state) },
    },
  };
}
