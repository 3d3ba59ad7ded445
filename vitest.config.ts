import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Gives the reliability suites a results directory and writes docs/reliability.md after the run.
    globalSetup: ['test/reliability/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file gets its own process: native SQLite handles and loopback servers stay isolated.
    pool: 'forks',
  },
});
