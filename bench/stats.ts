// Small statistics and timing helpers for the benchmarks.
import { performance } from 'node:perf_hooks';

/** The median of `values` (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (0–100) by linear interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (rank - low);
}

/** Runs `task` and returns its result with the elapsed wall time in ms. */
export async function timed<T>(task: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await task();
  return { value, ms: performance.now() - start };
}

/** Rounds to `digits` decimals, for tables and results.json. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Formats bytes as MB with one decimal. */
export function mb(bytes: number): number {
  return round(bytes / (1024 * 1024), 1);
}
