// Each reliability suite writes its figures as one JSON file into the run's results directory; the
// global teardown (global-setup.ts) turns them into docs/reliability.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { SCALE } from './scale.js';

/** One figure row: a label and its values, already formatted for the report. */
export type FigureRow = Record<string, string | number>;

/** What one suite reports: its name, rows for its table, the pass criteria checked and how long it took. */
export interface SuiteResult {
  suite: string;
  title: string;
  rows: FigureRow[];
  /** Invariant violations counted over the whole suite (each must be 0 for the suite to pass). */
  violations: Record<string, number>;
  notes: string[];
  durationMs: number;
  scale: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityResultsDir: string;
  }
}

/** Writes a suite's figures for the report (called once per suite, after its assertions passed). */
export function recordResult(result: Omit<SuiteResult, 'scale'>): void {
  const dir = inject('reliabilityResultsDir');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${result.suite}.json`), JSON.stringify({ ...result, scale: SCALE }, null, 2));
}

/** A stopwatch for suite durations (figures only, never asserted). */
export function stopwatch(): () => number {
  const started = performance.now();
  return () => Math.round(performance.now() - started);
}
