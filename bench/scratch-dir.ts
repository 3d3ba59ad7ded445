// A throwaway directory per run for the benchmark databases, removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes a fresh temp directory; `remove()` deletes it and everything in it. */
export function scratchDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), `holdfast-bench-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
