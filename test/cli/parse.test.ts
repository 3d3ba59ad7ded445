// The CLI's parsers and human formats: durations, ISO-8601 instants, time left, choices.
import { describe, it, expect } from 'vitest';
import { parseDuration } from '../../src/time/parse-duration.js';
import { formatDuration } from '../../src/time/format-duration.js';
import { parseIsoTime } from '../../src/time/parse-iso-time.js';
import { timeLeftText } from '../../src/cli/render/time-left.js';
import { parsePositiveInteger, parseState } from '../../src/cli/parse-args.js';
import { colorEnabled } from '../../src/cli/render/terminal-style.js';
import { HoldfastError } from '../../src/errors.js';

const H = 3_600_000;
const D = 24 * H;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HoldfastError);
    expect((error as HoldfastError).usage).toBe(true);
    return (error as HoldfastError).code;
  }
  throw new Error('expected an error');
}

describe('parseDuration', () => {
  it.each([
    ['36h', 36 * H],
    ['2d', 2 * D],
    ['90m', 90 * 60_000],
    ['45s', 45_000],
    ['1d12h', 36 * H],
    ['0h', 0],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '5', '2 d', '2D', 'h', '-1h', '1.5h', '12h1d', '2w', '36hours', '99999999999999999d'])('refuses %j', (text) => {
    expect(codeOf(() => parseDuration(text))).toBe('INVALID_DURATION');
  });
});

describe('parseIsoTime', () => {
  it('reads Z and offsets, with or without seconds and milliseconds', () => {
    expect(parseIsoTime('2026-01-05T09:30:00Z')).toBe(Date.UTC(2026, 0, 5, 9, 30));
    expect(parseIsoTime('2026-01-05T09:30Z')).toBe(Date.UTC(2026, 0, 5, 9, 30));
    expect(parseIsoTime('2026-01-05T09:30:00.250Z')).toBe(Date.UTC(2026, 0, 5, 9, 30, 0, 250));
    expect(parseIsoTime('2026-01-05T04:30:00-05:00')).toBe(Date.UTC(2026, 0, 5, 9, 30));
    expect(parseIsoTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
  });

  it.each(['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-01-05T24:00:00Z', '2026-01-05T09:30:00', '2026-01-05', 'yesterday', '1767605400000', '2026-01-05T09:30:00+15:00', '2026-1-5T09:30:00Z'])(
    'refuses %j',
    (text) => expect(codeOf(() => parseIsoTime(text))).toBe('INVALID_DATE'),
  );
});

describe('time left', () => {
  it('uses the two largest units and says overdue', () => {
    expect(formatDuration(3 * D + 4 * H + 59 * 60_000)).toBe('3d 4h');
    expect(formatDuration(3 * D + 5 * 60_000)).toBe('3d');
    expect(formatDuration(2 * H + 5 * 60_000)).toBe('2h 5m');
    expect(formatDuration(45_500)).toBe('45s');
    expect(formatDuration(0)).toBe('0s');
    const open = { state: 'authorized' as const, closed: false };
    expect(timeLeftText({ ...open, actBy: 1_000 + 3 * D + 4 * H }, 1_000)).toBe('3d 4h');
    expect(timeLeftText({ ...open, actBy: 1_000 }, 1_000 + 2 * H)).toBe('overdue 2h');
    expect(timeLeftText({ ...open, actBy: null }, 0)).toBe('—');
    expect(timeLeftText({ state: 'captured', closed: true, actBy: 5 * D }, 0)).toBe('—');
  });
});

describe('arguments', () => {
  it('refuses unknown states and bad limits', () => {
    expect(parseState('authorized')).toBe('authorized');
    expect(codeOf(() => parseState('AUTHORIZED'))).toBe('INVALID_STATE');
    expect(parsePositiveInteger('25', '--limit', 1000)).toBe(25);
    for (const bad of ['0', '-1', '1e3', '2.5', 'abc', '1001']) expect(codeOf(() => parsePositiveInteger(bad, '--limit', 1000))).toBe('INVALID_LIMIT');
  });
});

describe('colour', () => {
  it('is on for a terminal only, off with NO_COLOR, forced with FORCE_COLOR', () => {
    expect(colorEnabled({}, { isTTY: true })).toBe(true);
    expect(colorEnabled({}, { isTTY: false })).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1' }, { isTTY: false })).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, { isTTY: true })).toBe(false);
  });
});
