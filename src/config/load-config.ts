// holdfast's policy and sweep settings: documented defaults, then holdfast.config.json (path from
// HOLDFAST_CONFIG, else ./holdfast.config.json if present), then HOLDFAST_LEAD_TIME. Anything
// invalid is a ConfigError (the CLI exits 2) naming the file or variable and the key at fault.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, HoldfastError } from '../errors.js';
import { createExpiryPolicy, type ExpiryPolicy } from '../policy/expiry-policy.js';
import { parseDuration } from '../time/parse-duration.js';
import { type ConfigFile, ConfigFileSchema } from './config-file-schema.js';

/** Read from the working directory when HOLDFAST_CONFIG is not set, if it exists. */
export const DEFAULT_CONFIG_FILE = 'holdfast.config.json';

/** holdfast's resolved configuration. */
export interface HoldfastConfig {
  /** The file the settings came from, or null when only defaults and the environment apply. */
  source: string | null;
  policy: ExpiryPolicy;
  /** Only what the file sets: the sweeper and the daemon own their defaults. */
  sweep: { schedule?: string; concurrency?: number };
  webhook: { url: string } | null;
}

/** Loads and validates the configuration from the environment and the optional config file. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: { cwd?: string } = {}): HoldfastConfig {
  const cwd = options.cwd ?? process.cwd();
  const explicit = env.HOLDFAST_CONFIG !== undefined && env.HOLDFAST_CONFIG.trim() !== '';
  const path = resolve(cwd, explicit ? (env.HOLDFAST_CONFIG as string) : DEFAULT_CONFIG_FILE);
  let file: ConfigFile = {};
  let source: string | null = null;
  if (explicit || existsSync(path)) {
    file = readConfigFile(path);
    source = path;
  }
  const leadTimeMs = envLeadTime(env) ?? file.leadTime;
  let policy: ExpiryPolicy;
  try {
    policy = createExpiryPolicy({
      ...(file.windows ? { windows: file.windows } : {}),
      ...(leadTimeMs !== undefined ? { leadTimeMs } : {}),
    });
  } catch (error) {
    if (error instanceof HoldfastError && source) throw new ConfigError(`${source}: ${error.message}`);
    throw error;
  }
  return {
    source,
    policy,
    sweep: {
      ...(file.sweep?.schedule !== undefined ? { schedule: file.sweep.schedule } : {}),
      ...(file.sweep?.concurrency !== undefined ? { concurrency: file.sweep.concurrency } : {}),
    },
    webhook: file.webhook ?? null,
  };
}

function readConfigFile(path: string): ConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (set HOLDFAST_CONFIG to an existing file or unset it)' : (error as Error).message;
    throw new ConfigError(`cannot read config ${path}: ${reason}`);
  }
  const parsed = ConfigFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid config ${path}: ${problems}`);
  }
  return parsed.data;
}

function envLeadTime(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.HOLDFAST_LEAD_TIME;
  if (text === undefined || text.trim() === '') return undefined;
  try {
    return parseDuration(text, 'HOLDFAST_LEAD_TIME');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}
