// Opens holdfast the way the CLI runs it: configuration and gateways from the environment, the
// system clock, actor `cli`, and logs off unless HOLDFAST_LOG_LEVEL asks (stderr is for one error line).
import type { Logger } from 'pino';
import { logRedactor } from '../gateways/redact.js';
import { silentLogger } from '../silent-logger.js';
import { configuredSecrets } from '../config/configured-secrets.js';
import { type Clock, systemClock } from '../clock.js';
import { type ResolvedConfig, resolveConfig } from '../config/resolve-config.js';
import { type Holdfast, openHoldfast } from '../holds/holdfast.js';

/** An open holdfast with the configuration it was opened with. */
export interface CliSession {
  hf: Holdfast;
  config: ResolvedConfig;
  close(): Promise<void>;
}

/**
 * What a command may do to the database: `read` never creates or migrates (an empty or outdated one
 * is refused), `write` migrates an existing one, `create` may also create it (only `migrate`, and
 * `authorize`/`track` with --create-db).
 */
export type DatabaseAccess = 'read' | 'write' | 'create';

/** Resolves the one configuration, builds the gateways and opens the database as `access` allows. */
export async function openCliHoldfast(options: {
  /** --db, when given (it wins over HOLDFAST_DB and the file). */
  db?: string | undefined;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Log level and file descriptor; default: HOLDFAST_LOG_LEVEL or silent, on stderr. */
  log?: { level: string; fd: 1 | 2 };
  /** Build the configured gateways (default true); read-only commands skip them and their HTTP client. */
  gateways?: boolean;
  access: DatabaseAccess;
}): Promise<CliSession> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? { level: env.HOLDFAST_LOG_LEVEL ?? 'silent', fd: 2 };
  // Configured credentials are removed from every log line, wherever a gateway or an error echoes them.
  const logger = log.level === 'silent' ? silentLogger() : await pinoLogger(log, env);
  // Configuration first: a bad config file must not leave a freshly created database behind.
  const config = await resolveConfig({ env, options: { database: options.db } });
  const gateways = options.gateways === false ? [] : (await import('../config/configured-gateways.js')).configuredGateways(env, { clock, logger });
  const hf = await openHoldfast({
    database: config.database.value,
    gateways,
    clock,
    logger,
    actor: 'cli',
    env,
    create: options.access === 'create',
    migrate: options.access !== 'read',
  });
  return {
    hf,
    config,
    close: async () => {
      await hf.close();
      for (const gateway of gateways) await gateway.close?.();
    },
  };
}

// pino, loaded only when something is to be logged, with every configured secret redacted.
async function pinoLogger(log: { level: string; fd: 1 | 2 }, env: NodeJS.ProcessEnv): Promise<Logger> {
  const { default: pino } = await import('pino');
  return pino({ name: 'holdfast', level: log.level, formatters: { log: logRedactor(configuredSecrets(env)) } }, pino.destination(log.fd));
}
