// Drives a simulator running in another process through its /__sim/ control routes. Control calls go
// to the simulator's control-only listener once it is known (asked for on the gateway URL, or given),
// so the ledger and the request log stay readable and setDown(false) works while the gateway port is down.
import type { CardProfile } from './card-registry.js';
import type { FaultSpec, RandomFaults } from './fault-plan.js';
import { loopTurns, SETTLE_TURNS } from './http-io.js';
import type { SimLedgerSnapshot } from './sim-ledger.js';
import type { SimRequestLogEntry, SimSnapshot } from './start-simulator.js';

/** A typed handle on a remote simulator. */
export interface SimulatorClient {
  /** True when the gateway URL answers (false when it refuses the connection). */
  health(): Promise<boolean>;
  ledger(): Promise<SimLedgerSnapshot>;
  requests(): Promise<SimRequestLogEntry[]>;
  /** Ledger, per-authorization summaries and request log together. */
  snapshot(): Promise<SimSnapshot>;
  injectFault(...faults: FaultSpec[]): Promise<void>;
  /** Starts a seeded random fault plan (null stops it); queued faults still come first. */
  randomFaults(plan: RandomFaults | null): Promise<void>;
  clearFaults(): Promise<void>;
  registerSubscription(subscriptionId: string, profile: CardProfile): Promise<void>;
  registerCard(pan: string, profile: CardProfile): Promise<void>;
  setLatency(ms: number): Promise<void>;
  /** Takes the gateway port down (connections refused) or brings it back on the same port; resolves when done. */
  setDown(down: boolean): Promise<void>;
  reset(): Promise<void>;
}

/** Connects to the simulator at `url` (as printed by `src/simulator/main.ts`). */
export function simulatorClient(url: string, options: { controlUrl?: string } = {}): SimulatorClient {
  const base = url.replace(/\/+$/, '');
  let controlBase: string | undefined = options.controlUrl?.replace(/\/+$/, '');

  async function call(root: string, method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${root}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path} answered ${res.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  // An older simulator without a control listener answers health without controlUrl: use the gateway URL.
  async function controlRoot(): Promise<string> {
    if (controlBase === undefined) {
      const health = (await call(base, 'GET', '/__sim/health')) as { controlUrl?: unknown };
      controlBase = typeof health.controlUrl === 'string' ? health.controlUrl : base;
    }
    return controlBase;
  }

  const control = async (method: string, path: string, body?: unknown) => call(await controlRoot(), method, path, body);

  return {
    health: async () => {
      try {
        return ((await call(base, 'GET', '/__sim/health')) as { ok: boolean }).ok;
      } catch (error) {
        if (String((error as { cause?: { code?: unknown } }).cause?.code) === 'ECONNREFUSED') return false;
        throw error;
      }
    },
    ledger: async () => (await control('GET', '/__sim/ledger')) as SimLedgerSnapshot,
    requests: async () => (await control('GET', '/__sim/requests')) as SimRequestLogEntry[],
    snapshot: async () => (await control('GET', '/__sim/snapshot')) as SimSnapshot,
    injectFault: async (...faults) => void (await control('POST', '/__sim/faults', faults)),
    randomFaults: async (plan) => void (await control('POST', '/__sim/faults/random', plan)),
    clearFaults: async () => void (await control('DELETE', '/__sim/faults')),
    registerSubscription: async (subscriptionId, profile) => void (await control('POST', '/__sim/subscriptions', { subscriptionId, ...profile })),
    registerCard: async (pan, profile) => void (await control('POST', '/__sim/cards', { ...profile, pan })),
    setLatency: async (ms) => void (await control('POST', '/__sim/config', { latencyMs: ms })),
    setDown: async (down) => {
      await control('POST', down ? '/__sim/down' : '/__sim/up');
      // The simulator destroyed this process's pooled connections to the gateway URL: let this
      // process notice before anyone here sends again, so the next request is refused, not reset.
      if (down) await loopTurns(SETTLE_TURNS);
    },
    reset: async () => void (await control('POST', '/__sim/reset')),
  };
}
