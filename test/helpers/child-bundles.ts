// Child processes run from bundles, not through tsx: tsx compiles every module of a child on each
// start (~1 s of CPU), which over a few hundred crash-test and CLI children was most of the test run.
// This file builds them (the global setup, child-bundles-setup.ts, calls it once per run);
// bundled-child.ts finds them from inside a test.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildBin } from '../../src/build/build-bin.js';
import { bundleForNode } from '../../src/build/bundle-for-node.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Scratch directories for bundles: inside node_modules (ignored by git) so that the packages kept
 * external resolve from the repository's node_modules, as they do for the source.
 */
export const BUNDLE_CACHE = join(ROOT, 'node_modules/.cache/holdfast-test-bundles');

/** Where the global setup put the bin (as `npm run build` bundles it) and the child entry points. */
export interface ChildBundles {
  dir: string;
  bin: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    childBundles: ChildBundles;
  }
}

/** Sources bundled up front besides the bin: the simulator's main and every .ts file under a test fixtures/ directory. */
export function childEntryPoints(): string[] {
  const fixtures: string[] = [];
  const walk = (dir: string, inFixtures: boolean): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, inFixtures || entry.name === 'fixtures');
      else if (inFixtures && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) fixtures.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, 'test'), false);
  return ['src/simulator/main.ts', ...fixtures.sort()];
}

/** A fresh scratch directory under BUNDLE_CACHE, named after this process; those of processes gone are removed. */
export function freshBundleDir(): string {
  mkdirSync(BUNDLE_CACHE, { recursive: true });
  for (const name of readdirSync(BUNDLE_CACHE)) {
    const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
    if (Number.isInteger(pid) && !isAlive(pid)) rmSync(join(BUNDLE_CACHE, name), { recursive: true, force: true });
  }
  return mkdtempSync(join(BUNDLE_CACHE, `run-${process.pid}-`));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bundles the bin and every child entry point into `dir` (what the global setup does once per run). */
export async function bundleChildren(dir: string): Promise<ChildBundles> {
  // Node finds no package scope inside node_modules, and would parse each bundle a second time to
  // guess its module format; this says ESM up front, as the repository's package.json does for dist/.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const [bin] = await Promise.all([buildBin(join(dir, 'bin')), bundleForNode(childEntryPoints(), join(dir, 'children'))]);
  return { dir, bin };
}
