// The generic environment loader and the registry: a definition's variables are checked by format,
// a gateway is enabled by its required variables, a half-configured one is refused naming what is
// missing (never a value), defaults apply, and the policy and secrets come from the definitions.
import { afterEach, describe, expect, it } from 'vitest';
import { configuredSecrets } from '../../src/config/configured-secrets.js';
import { ConfigError } from '../../src/errors.js';
import { gatewaysFromEnv } from '../../src/gateways/from-env.js';
import { secretVariables } from '../../src/gateways/gateway-definition.js';
import { readGatewayEnv } from '../../src/gateways/gateway-env.js';
import { DOCUMENTED_GATEWAYS, HTTP_GATEWAY_PROFILES, KNOWN_GATEWAY_NAMES } from '../../src/gateways/gateway-registry.js';
import { HTTP_GATEWAY_DEFINITIONS } from '../../src/gateways/http-gateways.js';
import type { Gateway } from '../../src/gateways/types.js';
import { KUSHKI_DEFINITION } from '../../src/gateways/kushki/definition.js';
import { KUSHKI_ERRORS } from '../../src/gateways/kushki/transformers.js';
import { PAYCERTIFY_DEFINITION } from '../../src/gateways/paycertify/definition.js';
import { PAYCERTIFY_ERRORS } from '../../src/gateways/paycertify/transformers.js';
import { DAY_MS, DOCUMENTED_WINDOWS } from '../../src/policy/expiry-policy.js';
import { ACME_DEFINITION } from './acme-definition.js';

const definitions = [...HTTP_GATEWAY_DEFINITIONS, ACME_DEFINITION];

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('readGatewayEnv', () => {
  const opened: Gateway[] = [];
  afterEach(async () => {
    for (const g of opened.splice(0)) await g.close?.();
  });

  it('enables a gateway when all its required variables are set, with defaults for the rest', () => {
    const { gateways } = readGatewayEnv(definitions, { ACME_API_KEY: ' key-1 ', ACME_ACCOUNT_ID: 'acct-1' });
    expect(gateways.map((g) => [g.definition.name, g.settings])).toEqual([
      ['acme', { apiKey: 'key-1', accountId: 'acct-1', baseUrl: 'https://sandbox.acme.example', descriptor: undefined }],
    ]);
  });

  it('refuses a half-configured gateway, naming the missing variable and echoing no value', () => {
    const message = configError(() => readGatewayEnv(definitions, { ACME_API_KEY: 'acme-secret-77' }));
    expect(message).toContain('acme');
    expect(message).toContain('ACME_ACCOUNT_ID');
    expect(message).not.toContain('acme-secret-77');
  });

  it('checks every variable by its format, even for a gateway that is not enabled', () => {
    expect(configError(() => readGatewayEnv(definitions, { ACME_BASE_URL: 'ftp://x' }))).toContain('ACME_BASE_URL');
    const message = configError(() => readGatewayEnv(definitions, { ACME_API_KEY: 'has a space', ACME_ACCOUNT_ID: 'a' }));
    expect(message).toContain('ACME_API_KEY');
    expect(message).not.toContain('has a space');
  });

  it('shares the timeout variables; the response timeout also bounds the whole request', () => {
    expect(readGatewayEnv(definitions, { HOLDFAST_GATEWAY_CONNECT_TIMEOUT_MS: '750', HOLDFAST_GATEWAY_RESPONSE_TIMEOUT_MS: '2000' }).timeouts).toEqual({
      connectMs: 750,
      responseMs: 2000,
      requestMs: 12_000,
    });
  });

  it('gatewaysFromEnv builds a definition passed in, with its secrets', () => {
    const [acme] = gatewaysFromEnv({ ACME_API_KEY: 'key-2', ACME_ACCOUNT_ID: 'acct-2' }, { definitions });
    opened.push(acme!);
    expect([acme?.name, acme?.secrets]).toEqual(['acme', ['key-2']]);
  });
});

describe('the registry', () => {
  it('knows kushki, paycertify and the fake, and DOCUMENTED_WINDOWS keeps their values', () => {
    expect(KNOWN_GATEWAY_NAMES).toEqual(['kushki', 'paycertify', 'fake']);
    expect(DOCUMENTED_WINDOWS).toEqual({
      kushki: { debit: 7 * DAY_MS, credit: 28 * DAY_MS },
      paycertify: { debit: 7 * DAY_MS, credit: 7 * DAY_MS },
      fake: { debit: 7 * DAY_MS, credit: 28 * DAY_MS },
    });
    expect(DOCUMENTED_GATEWAYS.map((g) => g.name)).toEqual(KNOWN_GATEWAY_NAMES);
  });

  it('lists each HTTP gateway twice, profile and definition, and the two agree', () => {
    expect(HTTP_GATEWAY_DEFINITIONS.map((d) => d.name)).toEqual(HTTP_GATEWAY_PROFILES.map((p) => p.name));
    HTTP_GATEWAY_DEFINITIONS.forEach((definition, i) => {
      const profile = HTTP_GATEWAY_PROFILES[i]!;
      expect([definition.capabilities, definition.windows, definition.env]).toEqual([profile.capabilities, profile.windows, profile.env]);
    });
  });

  it('every HTTP definition has a base URL with a default, at least one required variable, and variables under its own prefix', () => {
    const names = new Set<string>();
    for (const d of [...HTTP_GATEWAY_DEFINITIONS, ACME_DEFINITION]) {
      expect(d.env.baseUrl?.default, d.name).toMatch(/^https:\/\//);
      expect(Object.values(d.env).some((v) => v.required), d.name).toBe(true);
      for (const v of Object.values(d.env)) {
        expect(v.name.startsWith(`${d.name.toUpperCase()}_`), v.name).toBe(true);
        expect(names.has(v.name), v.name).toBe(false);
        names.add(v.name);
      }
    }
  });

  it('a 4xx that did not come from the API names the base URL variable the definition reads', () => {
    expect(KUSHKI_ERRORS.baseUrlVariable).toBe(KUSHKI_DEFINITION.env.baseUrl.name);
    expect(PAYCERTIFY_ERRORS.baseUrlVariable).toBe(PAYCERTIFY_DEFINITION.env.baseUrl.name);
  });

  it('secrets come from the definitions: the CLI log redactor removes every secret variable', () => {
    expect(secretVariables(HTTP_GATEWAY_PROFILES)).toEqual(['KUSHKI_PRIVATE_MERCHANT_ID', 'PAYCERTIFY_API_TOKEN']);
    expect(configuredSecrets({ PAYCERTIFY_API_TOKEN: 'tok', HOLDFAST_WEBHOOK_SECRET: 'wh' })).toEqual(['tok', 'wh']);
  });
});
