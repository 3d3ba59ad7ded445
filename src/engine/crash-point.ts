// Named points where crash tests kill the process (SIGKILL, no cleanup), to prove that every
// interruption between claim and committed result converges after a restart. Inert unless
// HOLDFAST_CRASH_AT names the point; HOLDFAST_CRASH_AFTER=N lets N passes go by first.

const target = process.env.HOLDFAST_CRASH_AT;
let remaining = Number(process.env.HOLDFAST_CRASH_AFTER ?? 0);

/** The points a crash test can name. */
// before-send and after-response are in HoldEngine.perform, so they also stop an authorization;
// after-authorize-intent is the API's authorize, after its row (and key) committed, before perform.
export const CRASH_POINTS = ['after-authorize-intent', 'after-claim', 'after-intent', 'before-send', 'after-response', 'after-result'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

/** Kills this process on the spot when HOLDFAST_CRASH_AT names `point`. */
export function crashPoint(point: CrashPoint): void {
  if (target !== point) return;
  if (remaining-- > 0) return;
  process.kill(process.pid, 'SIGKILL');
}
