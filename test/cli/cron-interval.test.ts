// The lead-time check's sweep interval: the arithmetic shortcut must agree with node-cron's own runs.
import { describe, expect, it } from 'vitest';
import { longestInterval, probedInterval } from '../../src/config/cron-interval.js';

describe('longestInterval', () => {
  it.each([
    ['* * * * *', 60_000],
    ['*/5 * * * *', 300_000],
    ['*/15 * * * *', 900_000],
    ['30 */2 * * * *', 120_000],
    ['* * * * * *', 1_000],
    ['*/10 * * * * *', 10_000],
    ['0 * * * *', 3_600_000],
    ['*/7 * * * *', 420_000],
    ['0 9 * * 1-5', 3 * 86_400_000],
  ])('%s sweeps at least every %i ms, as node-cron runs it', async (schedule, expected) => {
    expect(await longestInterval(schedule)).toBe(expected);
    expect(await probedInterval(schedule)).toBe(expected);
  });
});
