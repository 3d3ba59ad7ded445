// Which real gateways are configured, from environment variables. A gateway is enabled by its
// credential variable; its base URL has a documented sandbox default. Error messages name the
// variable, never its value.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { ConfigError } from '../errors.js';
import type { HttpTimeouts } from './http.js';
import { createKushkiGateway, KUSHKI_UAT_URL } from './kushki/index.js';
import { createPayCertifyGateway, PAYCERTIFY_QA_URL } from './paycertify/index.js';
import type { Gateway } from './types.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

// Empty strings count as unset: `KUSHKI_PRIVATE_MERCHANT_ID= holdfast …` should not enable Kushki.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

// Credentials travel in headers: plain http is accepted for a loopback simulator only.
const baseUrl = z
  .string()
  .trim()
  .refine((text) => {
    try {
      const url = new URL(text);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
    } catch {
      return false;
    }
  }, 'must be an https:// URL (http:// only for 127.0.0.1 / localhost)');

const credential = z.string().trim().min(1).max(512).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');
const timeoutMs = z.coerce.number().int().min(1).max(600_000);

const GatewayEnv = z.object({
  KUSHKI_PRIVATE_MERCHANT_ID: optional(credential),
  KUSHKI_BASE_URL: optional(baseUrl),
  PAYCERTIFY_API_TOKEN: optional(credential),
  PAYCERTIFY_BASE_URL: optional(baseUrl),
  PAYCERTIFY_PROCESSOR_ID: optional(z.string().trim().min(1).max(64)),
  PAYCERTIFY_DEFAULT_IP_ADDRESS: optional(z.string().trim().min(1).max(64)),
  HOLDFAST_GATEWAY_CONNECT_TIMEOUT_MS: optional(timeoutMs),
  HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS: optional(timeoutMs),
});

/** Things the environment does not decide: the clock and the logger. */
export interface GatewaysFromEnvOptions {
  clock?: Clock | undefined;
  logger?: Logger | undefined;
}

/** Builds Kushki when KUSHKI_PRIVATE_MERCHANT_ID is set and PayCertify when PAYCERTIFY_API_TOKEN is set. */
export function gatewaysFromEnv(env: NodeJS.ProcessEnv, options: GatewaysFromEnvOptions = {}): Gateway[] {
  const parsed = GatewayEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`invalid gateway configuration: ${problems}; fix the environment variable(s) and start again`);
  }
  const e = parsed.data;
  const timeouts: Partial<HttpTimeouts> = {
    ...(e.HOLDFAST_GATEWAY_CONNECT_TIMEOUT_MS === undefined ? {} : { connectMs: e.HOLDFAST_GATEWAY_CONNECT_TIMEOUT_MS }),
    ...(e.HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS === undefined
      ? {}
      : { responseMs: e.HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS, requestMs: e.HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS + 10_000 }),
  };
  const gateways: Gateway[] = [];
  if (e.KUSHKI_PRIVATE_MERCHANT_ID !== undefined) {
    gateways.push(
      createKushkiGateway({
        baseUrl: e.KUSHKI_BASE_URL ?? KUSHKI_UAT_URL,
        privateMerchantId: e.KUSHKI_PRIVATE_MERCHANT_ID,
        timeouts,
        clock: options.clock,
        logger: options.logger,
      }),
    );
  }
  if (e.PAYCERTIFY_API_TOKEN !== undefined) {
    gateways.push(
      createPayCertifyGateway({
        baseUrl: e.PAYCERTIFY_BASE_URL ?? PAYCERTIFY_QA_URL,
        apiToken: e.PAYCERTIFY_API_TOKEN,
        processorId: e.PAYCERTIFY_PROCESSOR_ID,
        defaultIpAddress: e.PAYCERTIFY_DEFAULT_IP_ADDRESS,
        timeouts,
        clock: options.clock,
        logger: options.logger,
      }),
    );
  }
  return gateways;
}
