// Vitest global setup: gives every reliability suite a fresh results directory and, after a run of
// `npm run test:reliability` (which sets HOLDFAST_WRITE_RELIABILITY_DOC=1), writes docs/reliability.md
// from it — only when every suite of the reliability run reported (a suite reports after its
// assertions passed), so a partial or failed run never rewrites it. `npm test` runs the CI-sized
// suites but never writes the file: CI must leave the work tree clean.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { renderDocument, renderSection, SUITES } from './report.js';
import type { SuiteResult } from './results.js';
import { SCALE } from './scale.js';

const DOC = resolve(import.meta.dirname, '../../docs/reliability.md');
/** Set by the test:reliability script; without it the figures are checked and dropped. */
const WRITE_DOC = process.env.HOLDFAST_WRITE_RELIABILITY_DOC === '1';

/** Creates the results directory and returns the teardown that writes the report. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'holdfast-reliability-'));
  const started = Date.now();
  project.provide('reliabilityResultsDir', dir);
  return () => {
    try {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
      const results = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SuiteResult);
      const missing = SUITES.filter((s) => !results.some((r) => r.suite === s));
      if (results.length === 0 || !WRITE_DOC) return;
      if (missing.length > 0) {
        process.stderr.write(`reliability: docs/reliability.md not written (suites without figures: ${missing.join(', ')})\n`);
        return;
      }
      const ordered = SUITES.map((s) => results.find((r) => r.suite === s)!);
      const section = renderSection(ordered, { scale: SCALE, date: new Date().toISOString().slice(0, 10), totalMs: Date.now() - started });
      mkdirSync(resolve(DOC, '..'), { recursive: true });
      writeFileSync(DOC, renderDocument(existsSync(DOC) ? readFileSync(DOC, 'utf8') : null, section, SCALE));
      process.stderr.write(`reliability: wrote ${DOC} (${SCALE})\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}
