// The embedded API: what an order-fulfilment system calls. Amounts are integer minor units, times
// UTC epoch ms. This file is the surface; the writes are in hold-writes.ts, the reads in
// hold-queries.ts, and every write goes through the engine (version-checked, write-ahead).
import type { OnExpiry } from '../../machines/hold.machine.js';
import type { Actor, Hold, HoldHistory } from '../../machines/hold-types.js';
import { openStore } from '../../db/connection.js';
import { configuredSecrets } from '../config/configured-secrets.js';
import { systemClock } from '../clock.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { Gateway } from '../gateways/types.js';
import { silentLogger } from '../silent-logger.js';
import { HoldfastError } from '../errors.js';
import { HoldEngine } from '../engine/hold-engine.js';
import { sweep, type SweepOptions, type SweepReport } from '../sweeper/sweep.js';
import { HoldWrites } from './hold-writes.js';
import { HoldQueries, type HoldStats } from './hold-queries.js';
import { registerEngine } from './internals.js';

export type { HoldHistory, HoldStats };

export type { AuthorizeInput, CaptureOptions, ExtendOptions, HoldPage, ListOptions, OpenHoldfastOptions, ResolveInput, SetOnExpiryOptions, TrackInput } from './api-types.js';
import type { AuthorizeInput, CaptureOptions, ExtendOptions, HoldPage, ListOptions, OpenHoldfastOptions, ResolveInput, SetOnExpiryOptions, TrackInput } from './api-types.js';

/** The embedded holdfast API. */
export interface Holdfast {
  authorize(input: AuthorizeInput): Promise<Hold>;
  track(input: TrackInput): Promise<Hold>;
  capture(id: string, options?: CaptureOptions): Promise<Hold>;
  void(id: string): Promise<Hold>;
  /** The plan at actBy; `actBy` gives the hold its own actBy (null: back to expiresAt − the lead time). */
  setOnExpiry(id: string, onExpiry: OnExpiry, options?: SetOnExpiryOptions): Promise<Hold>;
  /** Reauthorizes the hold now (keeping or raising its amount); with holdUntil, keeps extending it until then. */
  extend(id: string, options?: ExtendOptions): Promise<Hold>;
  /** Raises the authorized amount before capture by a reauthorization for the new total. */
  adjust(id: string, options: { amount: number }): Promise<Hold>;
  /** Records how a hold that needs attention ended, as an operator read it from the gateway's console. */
  resolve(id: string, input: ResolveInput): Promise<Hold>;
  /** Sends a hold's in-flight call again now, under its idempotency key (an operator's retry). */
  retry(id: string): Promise<Hold>;
  get(id: string): Promise<Hold>;
  list(options?: ListOptions): Promise<HoldPage>;
  history(id: string): Promise<HoldHistory>;
  /** One sweeper pass now: capture or void what is due, expire what lapsed, reconcile what is unknown. */
  sweep(options?: SweepOptions): Promise<SweepReport>;
  /** Counts and amounts per state and currency, amounts reaching actBy soon, expired holds (what `stats` and /metrics show). */
  stats(): Promise<HoldStats>;
  /** True when a gateway of that name is configured in this instance. */
  hasGateway(name: string): boolean;
  /** Closes the database; every later call fails with HOLDFAST_CLOSED. */
  close(): Promise<void>;
}

/** Opens holdfast with the given options, the rest from the one configuration (environment, file, defaults). */
export async function openHoldfast(options: OpenHoldfastOptions = {}): Promise<Holdfast> {
  const env = options.env ?? process.env;
  const config = await resolveConfig({
    env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    options: {
      database: options.database,
      leadTimeMs: options.policy?.leadTimeMs ?? options.leadTimeMs,
      windows: options.policy?.windows ?? options.windows,
      webhookUrl: options.webhookUrl,
      extraGatewayNames: options.gateways?.map((g) => g.name),
    },
  });
  const secrets = [...(options.secrets ?? []), ...configuredSecrets(env)];
  // The library logs nothing unless given a logger (the CLI and the daemon pass theirs).
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? systemClock;
  const gateways = new Map<string, Gateway>();
  // The adapters (and their HTTP client) load only when the environment is to configure them.
  const configured = options.gateways ?? (await import('../gateways/from-env.js')).gatewaysFromEnv(env, { clock, logger });
  for (const gateway of configured) gateways.set(gateway.name, gateway);
  const store = await openStore(config.database.value, { create: options.create ?? true, migrate: options.migrate ?? true });
  const engine = new HoldEngine(store, gateways, options.policy ?? config.policy, clock, logger, { secrets, webhooks: config.webhookUrl.value !== null, config });
  const hf = new HoldfastApi(engine, options.actor ?? 'api');
  registerEngine(hf, engine);
  return hf;
}

class HoldfastApi implements Holdfast {
  private readonly writes: HoldWrites;
  private readonly queries: HoldQueries;
  private closed = false;

  constructor(
    private readonly engine: HoldEngine,
    actor: Actor,
  ) {
    this.writes = new HoldWrites(engine, actor);
    this.queries = new HoldQueries(engine);
  }

  // A call after close() is a clear holdfast error, not a driver's "database closed".
  private open(): void {
    if (this.closed) throw new HoldfastError('HOLDFAST_CLOSED', 'this holdfast instance was closed; open a new one with openHoldfast()');
  }

  async authorize(input: AuthorizeInput) { this.open(); return this.writes.authorize(input); }
  async track(input: TrackInput) { this.open(); return this.writes.track(input); }
  async capture(id: string, options?: CaptureOptions) { this.open(); return this.writes.capture(id, options); }
  async void(id: string) { this.open(); return this.writes.void(id); }
  async setOnExpiry(id: string, onExpiry: OnExpiry, options?: SetOnExpiryOptions) { this.open(); return this.writes.setOnExpiry(id, onExpiry, options); }
  async extend(id: string, options?: ExtendOptions) { this.open(); return this.writes.extend(id, options); }
  async adjust(id: string, options: { amount: number }) { this.open(); return this.writes.adjust(id, options); }
  async resolve(id: string, input: ResolveInput) { this.open(); return this.writes.resolve(id, input); }
  async retry(id: string) { this.open(); return this.writes.retry(id); }
  async get(id: string) { this.open(); return this.queries.get(id); }
  async list(options?: ListOptions) { this.open(); return this.queries.list(options); }
  async history(id: string) { this.open(); return this.queries.history(id); }
  async stats() { this.open(); return this.queries.stats(); }
  async sweep(options?: SweepOptions) { this.open(); return sweep(this.engine, options); }

  hasGateway(name: string): boolean {
    return this.engine.hasGateway(name);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.store.close();
  }
}
