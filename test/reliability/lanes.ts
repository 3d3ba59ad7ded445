// Runs many independent jobs a few at a time (child processes cost ~1 s of CPU each through tsx).

/** Runs `jobs` with at most `lanes` at once; each lane index is passed so lanes can own resources. */
export async function inLanes<T>(jobs: readonly T[], lanes: number, run: (job: T, lane: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        await run(job, lane);
      }
    }),
  );
}

/** A small seeded PRNG (mulberry32): runs are reproducible from their seed. */
export { seededRandom } from '../../src/simulator/seeded-random.js';
