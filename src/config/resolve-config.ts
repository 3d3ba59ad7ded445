// holdfast's one configuration, read the same way by the library (openHoldfast) and the CLI, so an
// embedded service and the daemon beside it run one policy on one database. Each setting comes from,
// in order: an explicit option, the environment, the configuration file (HOLDFAST_CONFIG, else
// ./holdfast.config.json when it exists), the documented default — and says which one it came from.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, HoldfastError } from '../errors.js';
import { checkLeadTime, createExpiryPolicy, DEFAULT_LEAD_TIME_MS, type ExpiryPolicy, type GatewayWindows } from '../policy/expiry-policy.js';
import { KNOWN_GATEWAY_NAMES } from '../gateways/gateway-registry.js';
import { parseDuration } from '../time/parse-duration.js';
import type { ConfigFile } from './config-file-schema.js';
import { longestInterval } from './cron-interval.js';

/** Read from the working directory when HOLDFAST_CONFIG is not set, if it exists. */
export const DEFAULT_CONFIG_FILE = 'holdfast.config.json';
export const DEFAULT_DATABASE = './holdfast.db';
export const DEFAULT_SCHEDULE = '*/5 * * * *';
export const DEFAULT_SWEEP_CONCURRENCY = 8;
/** Default warning time for hold.expiring_soon: two days before actBy. */
export const DEFAULT_EXPIRING_SOON_MS = 48 * 3_600_000;

/** Default time a delivered webhook event is kept in the outbox before it is deleted. */
export const DEFAULT_WEBHOOK_RETENTION_MS = 30 * 24 * 3_600_000;

/** Where a setting's value came from. */
export type SettingSource = 'option' | `env ${string}` | `file ${string}` | 'default';

/** One setting and its source. */
export interface Setting<T> {
  value: T;
  source: SettingSource;
}

/** The settings a caller can give explicitly (they win over the environment and the file). */
export interface ConfigOptions {
  database?: string | undefined;
  leadTimeMs?: number | undefined;
  windows?: Record<string, Partial<GatewayWindows>> | undefined;
  schedule?: string | undefined;
  concurrency?: number | undefined;
  webhookUrl?: string | null | undefined;
  /** Gateway names that exist in this process besides the built-in ones (a custom definition). */
  extraGatewayNames?: readonly string[] | undefined;
}

/** The effective configuration. */
export interface ResolvedConfig {
  /** The configuration file read, or null. */
  file: string | null;
  database: Setting<string>;
  leadTimeMs: Setting<number>;
  windows: Setting<Record<string, Partial<GatewayWindows>>>;
  schedule: Setting<string>;
  concurrency: Setting<number>;
  webhookUrl: Setting<string | null>;
  /** Only whether a secret is set; its value is never part of the configuration's output. */
  webhookSecretSet: Setting<boolean>;
  expiringSoonMs: Setting<number>;
  /** How long delivered webhook events are kept (undelivered ones are always kept). */
  webhookRetentionMs: Setting<number>;
  /** The windows and lead time, validated against the gateways' documented windows and the schedule. */
  policy: ExpiryPolicy;
}

/** Resolves every setting from options, environment, file and defaults; throws ConfigError naming what is wrong. */
export async function resolveConfig(input: { options?: ConfigOptions; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ResolvedConfig> {
  const options = input.options ?? {};
  const env = input.env ?? process.env;
  const { file, path } = await readFile(env, input.cwd ?? process.cwd());
  const fromFile = (key: string) => `file ${path}: ${key}` as const;
  const pick = <T>(option: T | undefined, envName: string, parseEnv: (text: string) => T, fileValue: T | undefined, fileKey: string, fallback: T): Setting<T> => {
    if (option !== undefined) return { value: option, source: 'option' };
    const text = env[envName];
    if (text !== undefined && text.trim() !== '') return { value: parseEnv(text.trim()), source: `env ${envName}` };
    if (fileValue !== undefined) return { value: fileValue, source: fromFile(fileKey) };
    return { value: fallback, source: 'default' };
  };
  const database = pick(options.database, 'HOLDFAST_DB', (t) => t, file.database, 'database', DEFAULT_DATABASE);
  const leadTimeMs = pick(options.leadTimeMs, 'HOLDFAST_LEAD_TIME', (t) => envDuration(t, 'HOLDFAST_LEAD_TIME'), file.leadTime, 'leadTime', DEFAULT_LEAD_TIME_MS);
  const schedule = pick(options.schedule, 'HOLDFAST_SWEEP_SCHEDULE', (t) => t, file.sweep?.schedule, 'sweep.schedule', DEFAULT_SCHEDULE);
  const concurrency = pick(options.concurrency, 'HOLDFAST_SWEEP_CONCURRENCY', (t) => envInteger(t, 'HOLDFAST_SWEEP_CONCURRENCY', 1, 64), file.sweep?.concurrency, 'sweep.concurrency', DEFAULT_SWEEP_CONCURRENCY);
  const webhookUrl = pick<string | null>(options.webhookUrl, 'HOLDFAST_WEBHOOK_URL', (t) => t, file.webhook?.url, 'webhook.url', null);
  const expiringSoonMs = pick(undefined, 'HOLDFAST_EXPIRING_SOON', (t) => envDuration(t, 'HOLDFAST_EXPIRING_SOON'), file.webhook?.expiringSoon, 'webhook.expiringSoon', DEFAULT_EXPIRING_SOON_MS);
  const webhookRetentionMs = pick(undefined, 'HOLDFAST_WEBHOOK_RETENTION', (t) => envDuration(t, 'HOLDFAST_WEBHOOK_RETENTION'), file.webhook?.retention, 'webhook.retention', DEFAULT_WEBHOOK_RETENTION_MS);
  const secret = env.HOLDFAST_WEBHOOK_SECRET;
  const webhookSecretSet: Setting<boolean> = secret !== undefined && secret.trim() !== '' ? { value: true, source: 'env HOLDFAST_WEBHOOK_SECRET' } : { value: false, source: 'default' };
  const windows: Setting<Record<string, Partial<GatewayWindows>>> = options.windows !== undefined
    ? { value: options.windows, source: 'option' }
    : file.windows !== undefined ? { value: file.windows, source: fromFile('windows') } : { value: {}, source: 'default' };

  if (webhookUrl.value !== null && !webhookSecretSet.value) {
    throw new ConfigError(`webhooks are on (${webhookUrl.source}) but HOLDFAST_WEBHOOK_SECRET is not set: receivers could not verify the signature`);
  }
  const known = new Set([...KNOWN_GATEWAY_NAMES, ...(options.extraGatewayNames ?? [])]);
  const unknown = Object.keys(windows.value).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigError(`${windows.source}: unknown gateway ${unknown.map((n) => JSON.stringify(n)).join(', ')} (known: ${[...known].join(', ')})`);
  }
  let policy: ExpiryPolicy;
  try {
    policy = createExpiryPolicy({ windows: windows.value, leadTimeMs: leadTimeMs.value });
    // The lead time must leave room for one sweep interval of this schedule plus the first retries.
    checkLeadTime(leadTimeMs.value, await longestInterval(schedule.value));
  } catch (error) {
    if (error instanceof HoldfastError) throw new ConfigError(`${leadTimeMs.source === 'default' ? '' : `${leadTimeMs.source}: `}${error.message}`);
    throw error;
  }
  return { file: path, database, leadTimeMs, windows, schedule, concurrency, webhookUrl, webhookSecretSet, expiringSoonMs, webhookRetentionMs, policy };
}

// The schema (and zod with it) is loaded only when there is a file to check.
async function readFile(env: NodeJS.ProcessEnv, cwd: string): Promise<{ file: ConfigFile; path: string | null }> {
  const explicit = env.HOLDFAST_CONFIG !== undefined && env.HOLDFAST_CONFIG.trim() !== '';
  const path = resolve(cwd, explicit ? (env.HOLDFAST_CONFIG as string) : DEFAULT_CONFIG_FILE);
  if (!explicit && !existsSync(path)) return { file: {}, path: null };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (set HOLDFAST_CONFIG to an existing file or unset it)' : (error as Error).message;
    throw new ConfigError(`cannot read config ${path}: ${reason}`);
  }
  const { ConfigFileSchema } = await import('./config-file-schema.js');
  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid config ${path}: ${problems}`);
  }
  return { file: parsed.data, path };
}

function envDuration(text: string, name: string): number {
  try {
    return parseDuration(text, name);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function envInteger(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}
