// Vitest global setup: bundles the bin and the child-process entry points once per run (and again
// before each watch-mode rerun, so a child never runs stale code), and removes them afterwards.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { bundleChildren, freshBundleDir } from './child-bundles.js';

/** Bundles into a fresh scratch directory, provides it to the tests and returns the teardown. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = freshBundleDir();
  project.provide('childBundles', await bundleChildren(dir));
  project.onTestsRerun(async () => {
    await bundleChildren(dir);
  });
  return () => rmSync(dir, { recursive: true, force: true });
}
