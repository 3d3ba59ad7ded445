// The README's Performance table is rendered from the tracked bench/results.json: it cannot drift
// from the figures, and it covers every benchmark.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults, resultsPath, withReadmeTable } from '../bench/results-file.js';

describe('README Performance table', () => {
  it('is the table rendered from bench/results.json, with every benchmark and its verdict', () => {
    const file = readResults(resultsPath('full'));
    expect(file, 'bench/results.json is missing: run npm run bench').not.toBeNull();
    expect(file!.results.map((r) => r.id).sort()).toEqual(['cli', 'gateway-bound', 'idle-tick', 'lifecycle', 'memory', 'sweep-throughput']);
    for (const r of file!.results) expect(r.pass).toBe(r.goal.op === '>=' ? r.measured >= r.goal.target : r.measured <= r.goal.target);
    const readme = readFileSync(resolve(import.meta.dirname, '../README.md'), 'utf8');
    expect(readme).toBe(withReadmeTable(readme, file!));
  });
});
