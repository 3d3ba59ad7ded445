// How often a cron schedule sweeps at worst: what the lead time must leave room for.

/** The longest gap between consecutive runs of a cron schedule (ms). */
export async function longestInterval(schedule: string): Promise<number> {
  return everyFewUnits(schedule) ?? (await probedInterval(schedule));
}

/**
 * The common shapes, answered without node-cron: `* * * * *`, `*∕n * * * *` and their six-field
 * forms (seconds first), where n divides 60 and hours, days, months and weekdays are all `*`.
 * Probing node-cron's next 200 runs costs about 45 ms (and loading node-cron a few more), which
 * every CLI command paid at start-up.
 */
function everyFewUnits(schedule: string): number | null {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length === 5) fields.unshift('0');
  if (fields.length !== 6 || fields.slice(2).some((field) => field !== '*')) return null;
  const [seconds, minutes] = fields as [string, string];
  const step = (field: string): number | null => {
    if (field === '*') return 1;
    const match = /^\*\/([1-9][0-9]?)$/.exec(field);
    const n = match ? Number(match[1]) : null;
    return n !== null && 60 % n === 0 ? n : null;
  };
  if (minutes === '*') {
    const everySeconds = step(seconds);
    if (everySeconds !== null) return everySeconds * 1_000;
  }
  const everyMinutes = step(minutes);
  return everyMinutes !== null && /^[0-5]?[0-9]$/.test(seconds) ? everyMinutes * 60_000 : null;
}

/** The longest gap over the schedule's next 200 runs, as node-cron computes them (loaded only for this). */
export async function probedInterval(schedule: string): Promise<number> {
  const { default: cron } = await import('node-cron');
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
