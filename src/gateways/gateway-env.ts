// Reading gateway settings from environment variables, for any definition: each variable is checked
// by its declared format, a gateway is enabled when its required variables are set, and every error
// names variables, never their values. Pure: no HTTP client is loaded here.
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import type { EnvVariable, GatewaySettings, HttpGatewayDefinition } from './gateway-definition.js';
import type { HttpTimeouts } from './http.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

// Empty strings count as unset: `KUSHKI_PRIVATE_MERCHANT_ID= holdfast …` should not enable Kushki.
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

// Credentials travel in headers: plain http is accepted for a loopback simulator only.
const url = z
  .string()
  .trim()
  .refine((text) => {
    try {
      const parsed = new URL(text);
      return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname));
    } catch {
      return false;
    }
  }, 'must be an https:// URL (http:// only for 127.0.0.1 / localhost)');

const FORMATS: Record<EnvVariable['format'], z.ZodType<string>> = {
  credential: z.string().trim().min(1).max(512).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  url,
  text: z.string().trim().min(1).max(64),
};

const timeoutMs = z.coerce.number().int().min(1).max(600_000);

/** The timeouts every HTTP gateway shares; they configure no gateway of their own. */
export const GATEWAY_TIMEOUT_VARIABLES = ['HOLDFAST_GATEWAY_CONNECT_TIMEOUT_MS', 'HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS'] as const;

/** One gateway the environment enables, with its settings (defaults applied). */
export interface ConfiguredGateway {
  definition: HttpGatewayDefinition;
  settings: GatewaySettings;
}

/** What the environment says about gateways. */
export interface GatewayEnv {
  gateways: ConfiguredGateway[];
  timeouts: Partial<HttpTimeouts>;
}

/**
 * Checks every variable of every definition (set ones only: an invalid base URL is refused even when
 * its gateway is not enabled) and returns the gateways whose required variables are all set. A
 * gateway with only some of them set is a ConfigError naming the missing ones.
 */
export function readGatewayEnv(definitions: readonly HttpGatewayDefinition[], env: NodeJS.ProcessEnv): GatewayEnv {
  const shape: Record<string, z.ZodType> = {};
  for (const definition of definitions) {
    for (const variable of Object.values(definition.env)) shape[variable.name] = optional(FORMATS[variable.format]);
  }
  for (const name of GATEWAY_TIMEOUT_VARIABLES) shape[name] = optional(timeoutMs);
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigError(`invalid gateway configuration: ${problems}; fix the environment variable(s) and start again`);
  }
  const values = parsed.data as Record<string, string | number | undefined>;
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };

  const gateways: ConfiguredGateway[] = [];
  for (const definition of definitions) {
    const required = Object.values(definition.env).filter((v) => v.required === true);
    const set = required.filter((v) => text(v.name) !== undefined);
    if (set.length === 0) continue;
    if (set.length < required.length) {
      const missing = required.filter((v) => text(v.name) === undefined).map((v) => v.name).join(', ');
      const given = set.map((v) => v.name).join(', ');
      throw new ConfigError(
        `invalid gateway configuration: ${definition.name} needs ${missing} as well as ${given}; set the missing variable(s) (or unset ${given} to leave ${definition.name} off) and start again`,
      );
    }
    const settings: Record<string, string | undefined> = {};
    for (const [key, variable] of Object.entries(definition.env)) settings[key] = text(variable.name) ?? variable.default;
    if (settings.baseUrl === undefined) {
      throw new ConfigError(`gateway ${definition.name} has no base URL: set ${definition.env.baseUrl?.name ?? 'its base URL variable'}`);
    }
    gateways.push({ definition, settings: settings as GatewaySettings });
  }

  const connect = values.HOLDFAST_GATEWAY_CONNECT_TIMEOUT_MS;
  const response = values.HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS;
  const timeouts: Partial<HttpTimeouts> = {
    ...(typeof connect === 'number' ? { connectMs: connect } : {}),
    ...(typeof response === 'number' ? { responseMs: response, requestMs: response + 10_000 } : {}),
  };
  return { gateways, timeouts };
}
