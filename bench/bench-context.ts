// What the runner hands every benchmark: the scale, a scratch directory for this run, and the
// idle populations (no hold due) that the idle-tick and CLI benchmarks share.
import { join } from 'node:path';
import type { BenchScale } from './bench-scale.js';
import { seedHolds } from './seed-holds.js';

/** Shared state of one benchmark run. */
export interface BenchContext {
  scale: BenchScale;
  scratch: string;
  /** A database of `size` authorized holds, none due before `idleNow` + 1 h (made once per size). */
  idleDatabase(size: number): Promise<string>;
  /** The instant the idle databases were made for (their actBy runs from one hour after it, over 26 days). */
  idleNow: number;
}

/** Creates the context of a run in `scratch`. */
export function benchContext(scale: BenchScale, scratch: string): BenchContext {
  const made = new Map<number, Promise<string>>();
  const idleNow = Date.now();
  return {
    scale,
    scratch,
    idleNow,
    idleDatabase(size) {
      let path = made.get(size);
      if (!path) {
        const file = join(scratch, `idle-${size}.db`);
        // Every hold is open (the worst case for both the claim and `list`): actBy spread evenly
        // from one hour ahead over 26 days, as credit holds authorized over the past days would be.
        path = seedHolds(file, scratch, { count: size, gateway: 'kushki', actByFrom: idleNow + 3_600_000, actBySpreadMs: 26 * 86_400_000 }).then(() => file);
        made.set(size, path);
      }
      return path;
    },
  };
}
