// `npm run build`, second step: the `holdfast` bin as one ESM bundle, dist/bin/holdfast.js, plus
// the lazily imported chunks next to it (package.json `bin` points here). The tsc output in dist/src
// stays the library (`exports`) and keeps `node dist/src/cli/main.js` working.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleForNode, ROOT } from './bundle-for-node.js';

/** The bin's entry point and its output name inside the output directory. */
export const BIN_ENTRY = { in: 'src/cli/main.ts', out: 'holdfast' } as const;

/** Bundles the bin into `outdir` (dist/bin for the package, a scratch directory for tests), replacing what was there. */
export async function buildBin(outdir: string): Promise<string> {
  // Chunk names carry content hashes: without this, every build would leave the last one's behind.
  rmSync(outdir, { recursive: true, force: true });
  await bundleForNode([BIN_ENTRY], outdir);
  return join(outdir, `${BIN_ENTRY.out}.js`);
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const started = performance.now();
  const file = await buildBin(join(ROOT, 'dist/bin'));
  process.stdout.write(`bundled ${file} in ${Math.round(performance.now() - started)} ms\n`);
}
