// How often a cron schedule sweeps at worst: what the lead time must leave room for.
import cron from 'node-cron';

/** The longest gap between consecutive runs of a cron schedule over its next 200 runs (ms). */
export function longestInterval(schedule: string): number {
  const probe = cron.createTask(schedule, () => undefined);
  try {
    const runs = probe.getNextRuns(200).map((d) => d.getTime());
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
    return longest;
  } finally {
    void probe.destroy();
  }
}
