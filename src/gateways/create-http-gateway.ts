// The one place that wires a gateway definition to HTTP: the got client, the Idempotency-Key on every
// call, transport failures turned into outcomes, redaction of everything handed back (the settings'
// secrets, the call's references and card numbers) and one redacted debug line per exchange. A
// definition only says what goes on the wire and what came back means.
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../clock.js';
import { performExchange, redactOutcome } from './exchange-record.js';
import type { GatewaySettings, HttpGatewayDefinition, WireCall } from './gateway-definition.js';
import { createHttpClient, type HttpTimeouts } from './http.js';
import { maskPan, type RedactOptions } from './redact.js';
import type { AuthorizeOutcome, CaptureOutcome, ExchangeRecord, Gateway, ReauthorizeOutcome, ReauthorizeRequest, VoidOutcome } from './types.js';
import { transportOutcome, type WireResponse } from './wire.js';

/** What one instance of a defined gateway is created with. */
export interface HttpGatewayOptions<S extends GatewaySettings> {
  /** Credentials, base URL and the definition's other settings. */
  settings: S;
  timeouts?: Partial<HttpTimeouts> | undefined;
  maxResponseBytes?: number | undefined;
  clock?: Clock | undefined;
  /** Receives one redacted debug line per exchange (the request and response as stored). */
  logger?: Logger | undefined;
}

/** The settings the definition marks as secrets: removed from anything holdfast stores or logs. */
export function secretSettings<S extends GatewaySettings>(definition: HttpGatewayDefinition<S>, settings: S): string[] {
  return Object.entries(definition.env)
    .filter(([, variable]) => variable.secret === true)
    .map(([key]) => settings[key])
    .filter((value): value is string => value !== undefined);
}

/** Creates a Gateway from a definition: the definition's transformers over a got client to settings.baseUrl. */
export function createHttpGateway<S extends GatewaySettings>(definition: HttpGatewayDefinition<S>, options: HttpGatewayOptions<S>): Gateway {
  const { settings } = options;
  const t = definition.transformers;
  const client = createHttpClient({ baseUrl: settings.baseUrl, timeouts: options.timeouts, maxResponseBytes: options.maxResponseBytes });
  const clock = options.clock ?? systemClock;
  const secrets = secretSettings(definition, settings);
  const headers = { ...definition.auth(settings), 'content-type': 'application/json' };

  // Sends one built call and returns its outcome made safe: the parser sees the raw response, the
  // caller only the redacted outcome.
  async function exchange<T extends { kind: string; exchange: ExchangeRecord }>(
    operation: ExchangeRecord['operation'],
    idempotencyKey: string,
    call: WireCall,
    parse: (res: WireResponse, base: ExchangeRecord) => T,
  ) {
    const references = call.references.filter((r): r is string => typeof r === 'string' && r !== '');
    const redaction: RedactOptions = { secrets, pans: call.cardNumbers ?? [], references };
    const { result, base } = await performExchange(client, operation, idempotencyKey, { method: call.method, path: call.path, headers, body: call.body }, redaction);
    const outcome = result.kind === 'transport' ? transportOutcome(result, base) : parse(result, base);
    const safe = redactOutcome(outcome, redaction);
    // At debug only: the engine logs the one info line per exchange (with the hold); this one adds the
    // redacted request and response for whoever needs the wire.
    options.logger?.debug({ event: 'gateway_exchange_record', gateway: definition.name, outcome: safe.kind, exchange: safe.exchange }, 'gateway exchange record');
    return safe;
  }

  const buildReauthorize = t.buildReauthorizeCall;
  const parseReauthorize = t.parseReauthorizeResponse;
  const reauthorize =
    definition.capabilities.reauthorization && buildReauthorize && parseReauthorize
      ? {
          async reauthorize(req: ReauthorizeRequest): Promise<ReauthorizeOutcome> {
            return exchange('reauthorize', req.idempotencyKey, buildReauthorize(req, settings), (res, base) =>
              parseReauthorize(res, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }),
            );
          },
        }
      : {};

  return {
    ...reauthorize,
    name: definition.name,
    capabilities: definition.capabilities,
    secrets,
    checkAuthorize(req): void {
      t.buildAuthorizeCall(req, settings);
    },
    async authorize(req): Promise<AuthorizeOutcome> {
      const call = t.buildAuthorizeCall(req, settings);
      const maskedCard = req.card === undefined ? undefined : maskPan(req.card.number);
      return exchange('authorize', req.idempotencyKey, call, (res, base) =>
        t.parseAuthorizeResponse(res, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now(), maskedCard }),
      );
    },
    async capture(req): Promise<CaptureOutcome> {
      return exchange('capture', req.idempotencyKey, t.buildCaptureCall(req, settings), (res, base) =>
        t.parseCaptureResponse(res, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }),
      );
    },
    async void(req): Promise<VoidOutcome> {
      return exchange('void', req.idempotencyKey, t.buildVoidCall(req, settings), (res, base) =>
        t.parseVoidResponse(res, { base, requestedAmount: req.amount, currency: req.currency, now: clock.now() }),
      );
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}
