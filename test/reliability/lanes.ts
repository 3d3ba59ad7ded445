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
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
