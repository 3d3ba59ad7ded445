// How big a reliability run is: the CI-sized run inside `npm test`, or the soak
// (`RELIABILITY_SCALE=soak`, i.e. `npm run test:reliability`).

/** The two sizes of the reliability suite. */
export type Scale = 'ci' | 'soak';

/** The size of this run, from RELIABILITY_SCALE (anything but "soak" is the CI size). */
export const SCALE: Scale = process.env.RELIABILITY_SCALE === 'soak' ? 'soak' : 'ci';

/** Picks the CI or the soak figure for this run. */
export function sized<T>(ci: T, soak: T): T {
  return SCALE === 'soak' ? soak : ci;
}

/** A per-test time limit that grows with the scale (soak runs take minutes). */
export function timeoutMs(ciMs: number): number {
  return SCALE === 'soak' ? ciMs * 40 : ciMs;
}
