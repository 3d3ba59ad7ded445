// One esbuild configuration for everything holdfast runs as a Node process from a bundle: the
// `holdfast` bin (npm run build) and the child processes the tests spawn (vitest global setup).
// A bundle loads in a fraction of the time the same code takes through tsx or as ~100 separate
// modules, and it is still the real code: only the compile step differs from the source run.
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { resolve } from 'node:path';

/** A source file relative to the repository root, or `{ in, out }` to choose its output name. */
export type EntryPoint = string | { in: string; out: string };

/** The repository root (bundles are built from here). */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Packages loaded from node_modules at run time, never inlined: native addons (better-sqlite3 and
 * its loader), the PostgreSQL driver (optional native binding, lazily imported), and pino, whose
 * transports start worker threads from file paths inside its own package. Everything else is pure
 * JavaScript and is inlined.
 */
export const EXTERNAL_PACKAGES: readonly string[] = ['better-sqlite3', 'bindings', 'pg', 'pg-native', 'pino'];

/**
 * The shared options. ESM with code splitting, so the CLI's lazy `import()`s of commands, gateways
 * and `pg` stay lazy chunks. keepNames because error classes name themselves with
 * `new.target.name`. Bundled CommonJS packages (commander, prom-client, …) call `require` for Node
 * built-ins, which an ES module lacks, hence the banner.
 */
export function nodeBundleOptions(options: { entryPoints: EntryPoint[]; outdir: string }): BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: options.entryPoints,
    outdir: options.outdir,
    outbase: ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    keepNames: true,
    sourcemap: true,
    external: [...EXTERNAL_PACKAGES],
    banner: { js: "import { createRequire as __holdfastCreateRequire } from 'node:module';\nconst require = __holdfastCreateRequire(import.meta.url);" },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
    metafile: true,
    plugins: [zodEnglishOnly],
  };
}

/**
 * zod re-exports all of its ~60 message locales as `z.locales`, so bundling `z` brought ~350 KB of
 * them into every command that loads zod (its chunk went from 768 to 415 KB without them). holdfast
 * never switches locale; the bundle keeps English only (the default, which zod registers itself),
 * as bundlers commonly drop unused locales. `z.locales.en` still works; any other locale is
 * undefined in the bundle.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: resolve(args.resolveDir, '../locales/index.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(resolve(args.path, '../en.js'))};`,
      resolveDir: resolve(args.path, '..'),
    }));
  },
};

/**
 * Bundles `entryPoints` (paths relative to the repository root, output mirroring them, or `{ in, out }`
 * to name the output) into `outdir`.
 */
export async function bundleForNode(entryPoints: EntryPoint[], outdir: string): Promise<Metafile> {
  const result = await build(nodeBundleOptions({ entryPoints, outdir }));
  return result.metafile!;
}
