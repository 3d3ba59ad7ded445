// The architecture rule: imports point only downward, and no module imports itself back through a
// cycle. Read from the source files themselves (static and dynamic imports), so a new upward import
// fails here with the two files named.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Layers, lowest first; a module may import its own component or any component of a lower layer.
 * machines/ is pure domain; db/ knows SQL and imports only machines/; the foundation (errors, clock,
 * money, time) is below the gateways and the policy; the engine is the host loop; the sweeper runs
 * the engine; the API (holds) offers the sweeper; the operations page (ops) reads through the API's
 * engine and is served by the daemon (and `holdfast serve`); the daemon serves the API; the CLI is on top.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['machines'],
  ['db', 'src/errors.ts', 'src/clock.ts', 'src/silent-logger.ts'],
  ['src/money', 'src/time'],
  ['src/gateways'],
  ['src/policy'],
  ['src/config'],
  ['src/engine', 'src/simulator'],
  ['src/sweeper', 'src/webhooks'],
  ['src/holds'],
  ['src/ops'],
  ['src/daemon'],
  ['src/cli', 'src/index.ts'],
  // The build's own tooling (esbuild bundles of the bin); nothing imports it.
  ['src/build'],
];

function component(file: string): string {
  for (const layer of LAYERS) {
    for (const c of layer) if (file === c || file.startsWith(`${c}/`)) return c;
  }
  throw new Error(`${file} belongs to no layer: add its directory to LAYERS`);
}

function rank(c: string): number {
  return LAYERS.findIndex((layer) => layer.includes(c));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every relative import of every source file, resolved to a project path (`.js` → `.ts`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of ['machines', 'db', 'src'].flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[1]!)).replace(/\.js$/, '.ts'))
      // Data, not code (the CLI reads its version from package.json).
      .filter((target) => !target.endsWith('.json'));
    graph.set(file, targets);
  }
  return graph;
}

describe('architecture', () => {
  const graph = importGraph();

  it('reads the whole source tree', () => {
    expect(graph.size).toBeGreaterThan(80);
    expect([...graph.values()].flat().length).toBeGreaterThan(200);
  });

  it('imports point only downward (or within a component)', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = component(file);
      for (const target of targets) {
        const to = component(target);
        if (to !== from && rank(to) >= rank(from)) upward.push(`${file} → ${target} (${from} may not import ${to})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('machines/ imports nothing but machines/ and db/ imports nothing from src/', () => {
    const offenders = [...graph].flatMap(([file, targets]) =>
      targets.filter((t) => (file.startsWith('machines/') && !t.startsWith('machines/')) || (file.startsWith('db/') && t.startsWith('src/'))).map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('has no import cycles between modules', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (state.get(target) === 'open') cycles.push([...stack.slice(stack.indexOf(target)), target].join(' → '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('would catch an upward import (the rule is not vacuous)', () => {
    expect(rank(component('machines/hold.machine.ts'))).toBeLessThan(rank(component('db/schema.ts')));
    expect(rank(component('src/engine/hold-engine.ts'))).toBeLessThan(rank(component('src/holds/holdfast.ts')));
    expect(() => component('src/nowhere/x.ts')).toThrow(/no layer/);
  });
});
