// Registers every command. Each command is a plain async function in src/cli/commands/ that tests
// call directly; this file only wires options to them and prints what they return (JSON with
// --json, tables otherwise). Errors propagate to main.ts, the only place that maps them to exits.
// Commands are imported when they run, so `holdfast list` does not load the daemon, the simulator
// or the HTTP client at start-up.
import { Command, CommanderError, type Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import type { Holdfast } from '../holds/holdfast.js';
import { type Clock, systemClock } from '../clock.js';
import { sweepReportText } from './render/sweep-report-text.js';
import { parsePort } from './parse-args.js';
import { ConfigError } from '../errors.js';
import { holdDetailToJson, holdToJson } from '../../machines/hold-json.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { DatabaseAccess } from './open-cli-holdfast.js';
import { holdDetailText } from './render/hold-detail-text.js';
import { holdListText, nextPageHint } from './render/hold-list-text.js';
import type { ListCommandOptions } from './commands/list.js';
import { holdText } from './render/hold-text.js';
import { statsText } from './render/stats-text.js';
import { configText } from './render/config-text.js';
import { type TerminalStyle, terminalStyle } from './render/terminal-style.js';
import { toIsoTime } from '../time/parse-iso-time.js';

/** The options every command accepts. */
export interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/**
 * Opens holdfast from the global options and the one configuration, runs `fn`, and closes it.
 * `access` says what the command may do to the database (read-only commands create and migrate nothing).
 */
export async function withHoldfast<T>(
  program: Command,
  fn: (hf: Holdfast, config: ResolvedConfig) => Promise<T>,
  options: { gateways?: boolean; access?: DatabaseAccess } = {},
): Promise<T> {
  const { openCliHoldfast } = await import('./open-cli-holdfast.js');
  const session = await openCliHoldfast({ db: program.opts<GlobalOptions>().db, gateways: options.gateways ?? true, access: options.access ?? 'write', clock: clockOf(program) });
  try {
    return await fn(session.hf, session.config);
  } finally {
    await session.close();
  }
}

/** Prints `value` as JSON (with --json) or as text for people. */
export function emit<T>(program: Command, value: T, json: (v: T) => unknown, text: (v: T, style: TerminalStyle) => string): void {
  const out = program.opts<GlobalOptions>().json
    ? JSON.stringify(json(value), null, 2)
    : text(value, terminalStyle(process.env, process.stdout, clockOf(program).now()));
  process.stdout.write(`${out}\n`);
}

// The clock each program runs on: the system's, unless runCli was given one.
const CLOCKS = new WeakMap<Command, Clock>();

/** The clock `program` (or the command's parent program) runs on. */
export function clockOf(program: Command): Clock {
  return CLOCKS.get(program) ?? systemClock;
}

/** Builds the commander program with every holdfast command registered (on `clock`, default the system's). */
export function buildProgram(options: { clock?: Clock } = {}): Command {
  const program = new Command('holdfast')
    .description('Authorization-hold lifecycle manager: capture or void every card hold before its window lapses, exactly once.')
    .version(packageJson.version, '--version', 'print the version')
    .option('--db <path>', 'SQLite database file or postgres:// URL (default: $HOLDFAST_DB, the config file\'s database, ./holdfast.db)')
    .option('--json', 'machine-readable JSON on stdout')
    .exitOverride()
    // main.ts prints commander's errors as one line, like every other error.
    .configureOutput({ writeErr: (text) => process.stderr.write(text), outputError: () => undefined });
  if (options.clock) CLOCKS.set(program, options.clock);
  // Every missing required option in one error, instead of commander's one at a time.
  program.hook('preSubcommand', (_program, command) => {
    for (const option of command.options) {
      if (option.mandatory) REQUIRED.add(option);
      option.mandatory = false;
    }
  });
  program.hook('preAction', (_program, command) => requireAll(command));
  for (const register of [
    registerAuthorize,
    registerTrack,
    registerList,
    registerShow,
    registerCapture,
    registerVoid,
    registerOnExpiry,
    registerExtend,
    registerResolve,
    registerRetry,
    registerStats,
    registerEvents,
    registerSweep,
    registerDaemon,
    registerServe,
    registerMigrate,
    registerConfig,
    registerDemo,
  ]) {
    register(program);
  }
  return program;
}

const REQUIRED = new WeakSet<Option>();

// Options declared with requiredOption are checked here, all at once, before the action runs.
function requireAll(command: Command): void {
  const values = command.opts<Record<string, unknown>>();
  const missing = command.options.filter((o) => REQUIRED.has(o) && values[o.attributeName()] === undefined).map((o) => `'${o.flags}'`);
  if (missing.length > 0) {
    const what = missing.length === 1 ? `required option ${missing[0]} not specified` : `required options ${missing.join(', ')} not specified`;
    throw new CommanderError(2, 'commander.missingMandatoryOptionValue', `error: ${what}`);
  }
}

/** `holdfast authorize`. */
export function registerAuthorize(program: Command): void {
  program
    .command('authorize')
    .description('authorize an amount against a stored card at a gateway')
    .requiredOption('--gateway <name>', 'gateway name (kushki, paycertify, fake)')
    .requiredOption('--amount <decimal>', 'amount in major units, e.g. 60.00')
    .requiredOption('--currency <code>', 'ISO 4217 code, e.g. PEN')
    .requiredOption('--subscription-id <id>', "the gateway's stored-card (subscription) id")
    .option('--order <id>', 'your order id')
    .option('--on-expiry <plan>', 'capture or void at actBy (default void)')
    .option('--idempotency-key <key>', 'the same key with the same parameters returns the same hold')
    .option('--create-db', 'create the database when it does not exist yet')
    .action(async (options: { gateway: string; amount: string; currency: string; subscriptionId: string; order?: string; onExpiry?: string; idempotencyKey?: string; createDb?: boolean }) => {
      const access = options.createDb ? 'create' : 'write';
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/authorize.js')).authorizeCommand(hf, options), { access });
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast track`. */
export function registerTrack(program: Command): void {
  program
    .command('track')
    .description('register an authorization made elsewhere')
    .requiredOption('--gateway <name>', 'gateway name')
    .requiredOption('--ref <reference>', "the gateway's reference for the authorization")
    .requiredOption('--amount <decimal>', 'authorized amount in major units')
    .requiredOption('--currency <code>', 'ISO 4217 code')
    .requiredOption('--authorized-at <iso>', 'when it was authorized, ISO-8601 with a zone')
    .option('--card-type <type>', 'credit, debit or unknown (default unknown: the shortest window)')
    .option('--subscription-id <id>', "the gateway's stored-card (subscription) id")
    .option('--order <id>', 'your order id')
    .option('--on-expiry <plan>', 'capture or void at actBy (default void)')
    .option('--create-db', 'create the database when it does not exist yet')
    .action(async (options: { gateway: string; ref: string; amount: string; currency: string; authorizedAt: string; cardType?: string; subscriptionId?: string; order?: string; onExpiry?: string; createDb?: boolean }) => {
      const access = options.createDb ? 'create' : 'write';
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/track.js')).trackCommand(hf, options), { access });
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast list`. */
export function registerList(program: Command): void {
  program
    .command('list')
    .description('list holds: open ones first (soonest act-by first), then closed ones, 100 to a page')
    .option('--state <state>', 'only holds in this state')
    .option('--gateway <name>', 'only holds at this gateway')
    .option('--order <id>', 'only holds of this order')
    .option('--expiring-within <duration>', 'open holds whose act-by is within this (36h, 2d) or past')
    .option('--open', 'only open holds (anything may still happen to them)')
    .option('--closed', 'only closed holds (captured, voided, expired, declined, released)')
    .option('--limit <n>', 'holds on this page (default 100)')
    .option('--all', 'every matching hold, however many')
    .option('--cursor <cursor>', 'the next page: the cursor the previous page printed (same filters)')
    .action(async (options: ListCommandOptions) => {
      const result = await withHoldfast(program, async (hf) => (await import('./commands/list.js')).listCommand(hf, options), { gateways: false, access: 'read' });
      emit(program, result, (r) => ({ holds: r.holds.map(holdToJson), nextCursor: r.nextCursor }), holdListText);
      // Stdout stays the table (or the JSON, which carries nextCursor); the hint is for a person.
      const hint = program.opts<GlobalOptions>().json ? null : nextPageHint(result);
      if (hint !== null) process.stderr.write(`${hint}\n`);
    });
}

/** `holdfast show`. */
export function registerShow(program: Command): void {
  program
    .command('show')
    .description('a hold with its transitions and gateway exchanges')
    .argument('<hold-id>')
    .action(async (holdId: string) => {
      const result = await withHoldfast(program, async (hf) => (await import('./commands/show.js')).showCommand(hf, { holdId }), { gateways: false, access: 'read' });
      emit(program, result, (r) => holdDetailToJson(r.hold, r.history, r.chain), holdDetailText);
    });
}

/** `holdfast capture`. */
export function registerCapture(program: Command): void {
  program
    .command('capture')
    .description('capture a hold now (default: everything still capturable)')
    .argument('<hold-id>')
    .option('--amount <decimal>', "amount in major units of the hold's currency")
    .option('--final', 'release whatever remains after this capture')
    .action(async (holdId: string, options: { amount?: string; final?: boolean }) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/capture.js')).captureCommand(hf, { holdId, ...options }));
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast void`. */
export function registerVoid(program: Command): void {
  program
    .command('void')
    .description('release a hold now')
    .argument('<hold-id>')
    .action(async (holdId: string) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/void.js')).voidCommand(hf, { holdId }));
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast on-expiry`. */
export function registerOnExpiry(program: Command): void {
  program
    .command('on-expiry')
    .description('what the sweeper does with a hold at its act-by')
    .argument('<hold-id>')
    .argument('<plan>', 'capture, void or extend')
    .option('--amount <decimal>', "with capture: amount in major units of the hold's currency")
    .option('--until <date>', 'with extend: keep the funds until this ISO-8601 time (when the order ships)')
    .option('--fallback <plan>', 'with extend: capture or void at --until or if an extension fails (default void)')
    .option('--by <method>', "with extend: reauthorization or replacement (default: the gateway's best)")
    .action(async (holdId: string, plan: string, options: { amount?: string; until?: string; fallback?: string; by?: string }) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/on-expiry.js')).onExpiryCommand(hf, { holdId, plan, ...options }));
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast extend` and `holdfast adjust`. */
export function registerExtend(program: Command): void {
  program
    .command('extend')
    .description('reauthorize or replace a hold now to keep its funds past its window (with --until: keep extending until then)')
    .argument('<hold-id>')
    .option('--until <date>', 'keep extending until this ISO-8601 time, then apply the fallback plan')
    .option('--amount <decimal>', "new authorized total in major units of the hold's currency (default: unchanged)")
    .option('--by <method>', "reauthorization or replacement (default: the gateway's best)")
    .action(async (holdId: string, options: { until?: string; amount?: string; by?: string }) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/extend.js')).extendCommand(hf, { holdId, ...options }));
      emit(program, hold, holdToJson, holdText);
    });
  program
    .command('adjust')
    .description('change the authorized amount before capture (a reauthorization raises it; a replacement lowers it)')
    .argument('<hold-id>')
    .requiredOption('--amount <decimal>', "new authorized total in major units of the hold's currency")
    .action(async (holdId: string, options: { amount: string }) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/extend.js')).adjustCommand(hf, { holdId, ...options }));
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast resolve`. */
export function registerResolve(program: Command): void {
  program
    .command('resolve')
    .description('record how a hold that needs attention ended, as the gateway console shows it')
    .argument('<hold-id>')
    .option('--captured <decimal>', "the console shows this amount captured (major units of the hold's currency)")
    .option('--voided', 'the console shows the authorization voided')
    .option('--not-captured', 'the console shows nothing captured')
    .option('--reason <text>', 'what the console shows, for the journal (required)')
    .action(async (holdId: string, options: { captured?: string; voided?: boolean; notCaptured?: boolean; reason?: string }) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/resolve.js')).resolveCommand(hf, { holdId, ...options }), { gateways: false });
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast retry`. */
export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description("send a hold's in-flight gateway call again now, under its idempotency key")
    .argument('<hold-id>')
    .action(async (holdId: string) => {
      const hold = await withHoldfast(program, async (hf) => (await import('./commands/retry.js')).retryCommand(hf, { holdId }));
      emit(program, hold, holdToJson, holdText);
    });
}

/** `holdfast stats`. */
export function registerStats(program: Command): void {
  program
    .command('stats')
    .description('holds per state and currency, amounts reaching act-by, expired-uncaptured')
    .action(async () => {
      const stats = await withHoldfast(program, async (hf) => (await import('./commands/stats.js')).statsCommand(hf), { gateways: false, access: 'read' });
      emit(program, stats, (s) => ({ ...s, at: toIsoTime(s.at) }), statsText);
    });
}

/** `holdfast events list` and `holdfast events resend`. */
export function registerEvents(program: Command): void {
  const events = program.command('events').description('webhook events in the outbox: list them, re-send one');
  events
    .command('list')
    .description('webhook events, newest first (payloads, as stored and redacted, with --json)')
    .option('--undelivered', 'only events not delivered yet')
    .option('--hold <id>', "only this hold's events")
    .option('--limit <n>', 'at most this many events (default 50)')
    .action(async (options: { undelivered?: boolean; hold?: string; limit?: string }) => {
      const { eventsListCommand } = await import('./commands/events.js');
      const { eventListText, eventToJson } = await import('./render/event-list-text.js');
      const result = await withHoldfast(program, async (hf) => eventsListCommand(hf, options), { gateways: false, access: 'read' });
      emit(program, result, (r) => r.events.map(eventToJson), eventListText);
    });
  events
    .command('resend')
    .description('queue a webhook event for delivery now (again, if it was delivered)')
    .argument('<event-id>')
    .action(async (eventId: string) => {
      const { eventsResendCommand } = await import('./commands/events.js');
      const { eventToJson, resentEventText } = await import('./render/event-list-text.js');
      const event = await withHoldfast(program, async (hf) => eventsResendCommand(hf, { eventId }), { gateways: false });
      emit(program, event, eventToJson, resentEventText);
    });
}

/** `holdfast migrate`. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('create the database if needed and bring its schema up to date')
    .action(async () => {
      const result = await (await import('./commands/migrate.js')).migrateCommand({ db: program.opts<GlobalOptions>().db });
      emit(program, result, (r) => r, (r) => `database ${r.database} is at schema ${r.schema}`);
    });
}

/** `holdfast config`. */
export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('the effective configuration, each value with where it came from (options, environment, file, default)')
    .action(async () => {
      const result = await (await import('./commands/config.js')).configCommand({ db: program.opts<GlobalOptions>().db });
      emit(program, result, (r) => r, (r, style) => `${r.file === null ? 'no configuration file' : `configuration file ${r.file}`}\n${configText(r.settings, style)}`);
    });
}

/** `holdfast sweep`. */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('one sweeper pass now: capture or void what is due, expire what lapsed, reconcile unknown outcomes')
    .option('--dry-run', 'show what would be done without claiming or calling anything')
    .action(async (options: { dryRun?: boolean }) => {
      const json = program.opts<GlobalOptions>().json === true;
      const report = await withHoldfast(program, async (hf, config) =>
        (await import('./commands/sweep.js')).sweepCommand(hf, {
          dryRun: options.dryRun === true,
          concurrency: config.concurrency.value,
          // A bar only for people watching a terminal, drawn on stderr so stdout stays the report.
          progress: !json && process.stdout.isTTY ? { stream: process.stderr, minHolds: process.stdout.rows ?? 24 } : null,
        }),
      );
      emit(program, report, (r) => ({ ...r, startedAt: toIsoTime(r.startedAt), finishedAt: toIsoTime(r.finishedAt) }), sweepReportText);
    });
}

/** `holdfast daemon`. */
export function registerDaemon(program: Command): void {
  program
    .command('daemon')
    .description('sweep at start and then on a schedule until SIGTERM/SIGINT; JSON logs on stdout')
    .option('--schedule <cron>', 'cron expression for sweeps (default: $HOLDFAST_SWEEP_SCHEDULE, the config file\'s sweep.schedule, every 5 minutes)')
    .option('--metrics-port <port>', 'serve /metrics, /healthz and the read-only operations page on 127.0.0.1:<port>')
    .action(async (options: { schedule?: string; metricsPort?: string }) => {
      const { validate: isCronExpression } = await import('node-cron');
      if (options.schedule !== undefined && !isCronExpression(options.schedule)) {
        throw new ConfigError(`invalid --schedule ${JSON.stringify(options.schedule)}: expected a cron expression like "*/5 * * * *"`);
      }
      const metricsPort = options.metricsPort === undefined ? undefined : parsePort(options.metricsPort);
      const { openCliHoldfast } = await import('./open-cli-holdfast.js');
      const session = await openCliHoldfast({ db: program.opts<GlobalOptions>().db, log: { level: process.env.HOLDFAST_LOG_LEVEL ?? 'info', fd: 1 }, access: 'write', clock: clockOf(program) });
      const { config } = session;
      try {
        await (await import('./commands/daemon.js')).daemonCommand(session.hf, {
          schedule: options.schedule ?? config.schedule.value,
          ...(metricsPort === undefined ? {} : { metricsPort }),
          concurrency: config.concurrency.value,
          webhookUrl: config.webhookUrl.value,
          webhookSecret: process.env.HOLDFAST_WEBHOOK_SECRET?.trim() || undefined,
          expiringSoonMs: config.expiringSoonMs.value,
          webhookRetentionMs: config.webhookRetentionMs.value,
        });
      } finally {
        await session.close().catch(() => undefined);
      }
    });
}

/** `holdfast serve`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the read-only operations page on 127.0.0.1 (no sweeping) until SIGTERM/SIGINT')
    .option('--port <port>', 'port on 127.0.0.1 (default 9465; 0 picks a free one)')
    .action(async (options: { port?: string }) => {
      const { DEFAULT_OPS_PORT } = await import('../ops/ops-server.js');
      const port = options.port === undefined ? DEFAULT_OPS_PORT : parsePort(options.port);
      await withHoldfast(
        program,
        async (hf) =>
          (await import('./commands/serve.js')).serveCommand(hf, {
            port,
            onStarted: (server) => process.stdout.write(`operations page (read-only): ${server.url} — Ctrl-C to stop\n`),
          }),
        { gateways: false },
      );
    });
}

/** `holdfast demo`. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole lifecycle against the gateway simulator, across simulated days, on a throwaway database')
    .action(async () => {
      const result = await (await import('./commands/demo.js')).demoCommand();
      if (!result.exactlyOnce) throw new Error('the demo found a gateway ledger that disagrees with the holds');
    });
}
