import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bundles the bin and the child processes' entry points once per run (test/helpers/child-bundles.ts);
    // gives the reliability suites a results directory (and, for `npm run test:reliability` only,
    // writes docs/reliability.md after the run).
    globalSetup: ['test/helpers/child-bundles-setup.ts', 'test/reliability/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file gets its own process: native SQLite handles and loopback servers stay isolated.
    pool: 'forks',
    // Vitest's default (one fewer than the cores) is a single worker on a 2-core machine, so files ran
    // one after another while the CPU sat idle through every fsync, loopback round trip and client
    // timeout. Two files at once keep both cores busy; more cores get the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
