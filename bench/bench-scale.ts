// The size knob: BENCH_SCALE=small runs every benchmark on small populations (a smoke test in
// well under a minute); the default is the full size the goals in issue 7 are stated for.

/** Population sizes for one run. */
export interface BenchScale {
  name: 'small' | 'full';
  lifecycleHolds: number;
  lifecycleRounds: number;
  sweepHolds: number;
  idleSizes: number[];
  idleSamples: number;
  gatewayHolds: number;
  memoryHolds: number;
  cliHolds: number;
  cliRuns: number;
}

const FULL: BenchScale = {
  name: 'full',
  lifecycleHolds: 500,
  lifecycleRounds: 4,
  sweepHolds: 100_000,
  idleSizes: [10_000, 100_000, 1_000_000],
  idleSamples: 101,
  gatewayHolds: 2_000,
  memoryHolds: 1_000_000,
  cliHolds: 1_000_000,
  cliRuns: 7,
};

const SMALL: BenchScale = {
  name: 'small',
  lifecycleHolds: 50,
  lifecycleRounds: 2,
  sweepHolds: 5_000,
  idleSizes: [1_000, 5_000, 10_000],
  idleSamples: 21,
  gatewayHolds: 200,
  memoryHolds: 20_000,
  cliHolds: 20_000,
  cliRuns: 3,
};

/** The scale chosen by BENCH_SCALE (`small` or `full`, default full). */
export function benchScale(env: NodeJS.ProcessEnv = process.env): BenchScale {
  const name = env.BENCH_SCALE ?? 'full';
  if (name === 'small') return SMALL;
  if (name === 'full') return FULL;
  throw new Error(`BENCH_SCALE must be small or full, got ${JSON.stringify(name)}`);
}
