// The engine behind a Holdfast instance, for the parts of holdfast that run beside the API in the
// same process (the daemon, webhook delivery, the CLI's operations page) — not part of the public API.
import type { HoldEngine } from '../engine/hold-engine.js';

const engines = new WeakMap<object, HoldEngine>();

/** Records the engine of an instance (openHoldfast does this). */
export function registerEngine(hf: object, engine: HoldEngine): void {
  engines.set(hf, engine);
}

/** The engine of an instance opened by openHoldfast. */
export function engineOf(hf: object): HoldEngine {
  const engine = engines.get(hf);
  if (!engine) throw new Error('not a holdfast instance opened by openHoldfast()');
  return engine;
}
