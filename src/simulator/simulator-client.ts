// Drives a simulator running in another process through its /__sim/ control routes.
import type { CardProfile } from './card-registry.js';
import type { FaultSpec } from './fault-plan.js';
import type { SimLedgerSnapshot } from './sim-ledger.js';
import type { SimRequestLogEntry } from './start-simulator.js';

/** A typed handle on a remote simulator. */
export interface SimulatorClient {
  health(): Promise<boolean>;
  ledger(): Promise<SimLedgerSnapshot>;
  requests(): Promise<SimRequestLogEntry[]>;
  injectFault(...faults: FaultSpec[]): Promise<void>;
  clearFaults(): Promise<void>;
  registerSubscription(subscriptionId: string, profile: CardProfile): Promise<void>;
  registerCard(pan: string, profile: CardProfile): Promise<void>;
  setLatency(ms: number): Promise<void>;
  reset(): Promise<void>;
}

/** Connects to the simulator at `url` (as printed by `src/simulator/main.ts`). */
export function simulatorClient(url: string): SimulatorClient {
  const base = url.replace(/\/+$/, '');
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path} answered ${res.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }
  return {
    health: async () => ((await call('GET', '/__sim/health')) as { ok: boolean }).ok,
    ledger: async () => (await call('GET', '/__sim/ledger')) as SimLedgerSnapshot,
    requests: async () => (await call('GET', '/__sim/requests')) as SimRequestLogEntry[],
    injectFault: async (...faults) => void (await call('POST', '/__sim/faults', faults)),
    clearFaults: async () => void (await call('DELETE', '/__sim/faults')),
    registerSubscription: async (subscriptionId, profile) => void (await call('POST', '/__sim/subscriptions', { subscriptionId, ...profile })),
    registerCard: async (pan, profile) => void (await call('POST', '/__sim/cards', { ...profile, pan })),
    setLatency: async (ms) => void (await call('POST', '/__sim/config', { latencyMs: ms })),
    reset: async () => void (await call('POST', '/__sim/reset')),
  };
}
