// A complete, small gateway definition for a made-up wire format ("Acme"): what README's "Adding a
// gateway" describes, exercised by create-http-gateway.test.ts and gateway-env.test.ts.
//   POST /v1/holds {amount, currency, card}     → 201 {id, status: approved|declined, amount, code?}
//   POST /v1/holds/{id}/capture {amount}         → 200 {id, status, amount}
//   POST /v1/holds/{id}/release {}               → 200 {id, status}
//   4xx/5xx                                      → {error: {code, message}}
import { z } from 'zod';
import { ValidationError } from '../../src/errors.js';
import type { HttpGatewayDefinition, WireCall } from '../../src/gateways/gateway-definition.js';
import { refusalFromText } from '../../src/gateways/refusal-evidence.js';
import type { AuthorizeOutcome, AuthorizeRequest, CaptureOutcome, CaptureRequest, VoidOutcome, VoidRequest } from '../../src/gateways/types.js';
import {
  assertNever,
  type AuthorizeParseContext,
  classifyStatus,
  type ErrorFormat,
  failureOutcome,
  type ParseContext,
  readSuccessBody,
  unknownOutcome,
  type WireResponse,
} from '../../src/gateways/wire.js';
import { DAY_MS } from '../../src/time/durations.js';

export type AcmeSettings = { baseUrl: string; apiKey: string; accountId: string; descriptor?: string | undefined };

const Hold = z.looseObject({ id: z.string().min(1), status: z.string(), amount: z.int().nonnegative().optional(), code: z.string().optional() });
const ErrorBody = z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string().optional() }) });

/** Acme's error codes, each with what it means: the exhaustive mapping that ends in a never check. */
const ACME_CODES = { card_declined: 'declined', bad_request: 'invalid', account_disabled: 'misconfigured', try_again: 'unknown' } as const;

const ACME_ERRORS: ErrorFormat = {
  gateway: 'Acme',
  baseUrlVariable: 'ACME_BASE_URL',
  read(body) {
    const parsed = ErrorBody.safeParse(body);
    return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : { code: null, message: undefined };
  },
  codeInReason: true,
  refusal(code, message, exchange) {
    const disposition = Object.hasOwn(ACME_CODES, code) ? ACME_CODES[code as keyof typeof ACME_CODES] : 'invalid';
    switch (disposition) {
      case 'declined':
        return { kind: 'declined', code, message, refusal: refusalFromText(message, 'issuer'), exchange };
      case 'invalid':
        return { kind: 'declined', code, message, refusal: refusalFromText(message, 'invalid-request'), exchange };
      case 'misconfigured':
        return { kind: 'misconfigured', code, message, exchange };
      case 'unknown':
        return { kind: 'unknown', reason: `${code}: ${message}`, exchange };
      default:
        return assertNever(disposition, 'Acme code disposition');
    }
  },
};

function holdPath(id: string, action: 'capture' | 'release'): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new ValidationError('INVALID_GATEWAY_REF', 'an Acme hold id is 1–64 letters, digits, - or _');
  return `/v1/holds/${id}/${action}`;
}

function buildAuthorizeCall(req: AuthorizeRequest, settings: AcmeSettings): WireCall {
  if (req.card === undefined) throw new ValidationError('CARD_REQUIRED', 'Acme authorizes a card: pass card');
  const body = { account: settings.accountId, amount: req.amount, currency: req.currency, card: { number: req.card.number, cvc: req.card.cvv }, descriptor: settings.descriptor };
  return { method: 'POST', path: '/v1/holds', body, references: [req.orderId], cardNumbers: [req.card.number] };
}

function buildCaptureCall(req: CaptureRequest): WireCall {
  return { method: 'POST', path: holdPath(req.gatewayRef, 'capture'), body: { amount: req.amount }, references: [req.gatewayRef] };
}

function buildVoidCall(req: VoidRequest): WireCall {
  return { method: 'POST', path: holdPath(req.gatewayRef, 'release'), body: {}, references: [req.gatewayRef] };
}

function parseAuthorizeResponse(res: WireResponse, ctx: AuthorizeParseContext): AuthorizeOutcome {
  if (classifyStatus(res.status) !== 'success') return failureOutcome(res, ctx.base, ACME_ERRORS);
  const hold = readSuccessBody(res.bodyText, Hold);
  if (!hold.ok) return unknownOutcome(ctx.base, hold.reason);
  if (hold.value.status === 'declined') {
    const code = hold.value.code ?? 'declined';
    return { kind: 'declined', code, message: code, refusal: 'issuer', exchange: { ...ctx.base, gatewayCode: code, message: code } };
  }
  const amount = hold.value.amount;
  if (hold.value.status !== 'approved' || amount === undefined || amount <= 0 || amount > ctx.requestedAmount) {
    return unknownOutcome(ctx.base, `unusable approval (${hold.value.status})`);
  }
  return { kind: 'approved', gatewayRef: hold.value.id, amount, cardType: 'unknown', authorizedAt: null, maskedCard: ctx.maskedCard, exchange: ctx.base };
}

function parseCaptureResponse(res: WireResponse, ctx: ParseContext): CaptureOutcome {
  if (classifyStatus(res.status) !== 'success') return failureOutcome(res, ctx.base, ACME_ERRORS);
  const hold = readSuccessBody(res.bodyText, Hold);
  if (!hold.ok) return unknownOutcome(ctx.base, hold.reason);
  const amount = hold.value.amount;
  if (hold.value.status !== 'captured' || amount === undefined || amount > ctx.requestedAmount) return unknownOutcome(ctx.base, `capture status ${hold.value.status}`);
  return { kind: 'approved', amount, captureRef: null, authorizationRef: hold.value.id, exchange: ctx.base };
}

function parseVoidResponse(res: WireResponse, ctx: ParseContext): VoidOutcome {
  if (classifyStatus(res.status) !== 'success') return failureOutcome(res, ctx.base, ACME_ERRORS);
  const hold = readSuccessBody(res.bodyText, Hold);
  if (!hold.ok) return unknownOutcome(ctx.base, hold.reason);
  return hold.value.status === 'released' ? { kind: 'approved', exchange: ctx.base } : unknownOutcome(ctx.base, `release status ${hold.value.status}`);
}

/** Acme: card holds of 5 days (credit) and 3 days (debit); configured by ACME_API_KEY and ACME_ACCOUNT_ID. */
export const ACME_DEFINITION: HttpGatewayDefinition<AcmeSettings> = {
  name: 'acme',
  capabilities: { maxCaptures: 1, overcaptureBps: 0, partialCapture: true, reauthorization: false, replacement: false, captureNeedsSubscription: false },
  windows: { credit: 5 * DAY_MS, debit: 3 * DAY_MS },
  env: {
    apiKey: { name: 'ACME_API_KEY', format: 'credential', required: true, secret: true },
    accountId: { name: 'ACME_ACCOUNT_ID', format: 'text', required: true },
    baseUrl: { name: 'ACME_BASE_URL', format: 'url', default: 'https://sandbox.acme.example' },
    descriptor: { name: 'ACME_DESCRIPTOR', format: 'text' },
  },
  auth: (settings) => ({ 'x-api-key': settings.apiKey }),
  transformers: { buildAuthorizeCall, buildCaptureCall, buildVoidCall, parseAuthorizeResponse, parseCaptureResponse, parseVoidResponse },
};
