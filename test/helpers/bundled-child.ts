// The bundled form of a child process's entry point, from inside a test: the run's bundles (built
// by the global setup), or, for a file the setup did not know or a run without it, one bundled on
// first use in this worker.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { inject } from 'vitest';
import { bundleForNode } from '../../src/build/bundle-for-node.js';
import { bundleChildren, freshBundleDir, type ChildBundles } from './child-bundles.js';

const ROOT = resolve(import.meta.dirname, '../..');

let local: Promise<ChildBundles> | undefined;
const onDemand = new Map<string, Promise<string>>();

/** The run's bundles, or (outside a run with the global setup) this worker's own, built once. */
function bundles(): Promise<ChildBundles> {
  let provided: ChildBundles | undefined;
  try {
    provided = inject('childBundles');
  } catch {
    provided = undefined;
  }
  if (provided) return Promise.resolve(provided);
  local ??= (async () => {
    const dir = freshBundleDir();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return bundleChildren(dir);
  })();
  return local;
}

/** The `holdfast` bin bundled from the current source, built the way `npm run build` builds dist/bin. */
export async function holdfastBin(): Promise<string> {
  return (await bundles()).bin;
}

/** The bundled JavaScript for `file` (a .ts path relative to the repository root), run with plain `node`. */
export async function bundledChild(file: string): Promise<string> {
  const source = relative(ROOT, resolve(ROOT, file));
  const { dir } = await bundles();
  const prebuilt = join(dir, 'children', source.replace(/\.[cm]?ts$/, '.js'));
  if (existsSync(prebuilt)) return prebuilt;
  let built = onDemand.get(source);
  if (!built) {
    // Not one of the fixtures the global setup knew: bundle it alone, in a directory of this worker's own.
    const out = mkdtempSync(join(dir, 'on-demand-'));
    built = bundleForNode([source], out).then(() => join(out, source.replace(/\.[cm]?ts$/, '.js')));
    onDemand.set(source, built);
  }
  return built;
}
