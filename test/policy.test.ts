import { describe, it, expect } from 'vitest';
import { createExpiryPolicy, DAY_MS, deadlines, HOUR_MS, windowFor } from '../src/policy/expiry-policy.js';
import { ConfigError } from '../src/errors.js';

const T = Date.UTC(2026, 0, 5);

describe('expiry policy', () => {
  const policy = createExpiryPolicy();

  it.each([
    ['kushki', 'debit', 7 * DAY_MS],
    ['kushki', 'credit', 28 * DAY_MS],
    ['kushki', 'unknown', 7 * DAY_MS],
    ['paycertify', 'credit', 7 * DAY_MS],
    ['paycertify', 'debit', 7 * DAY_MS],
    ['paycertify', 'unknown', 7 * DAY_MS],
  ] as const)('%s %s window is %i ms', (gateway, cardType, window) => {
    expect(windowFor(policy, gateway, cardType)).toBe(window);
  });

  it('computes expiresAt = authorizedAt + window and actBy = expiresAt − 24 h by default', () => {
    expect(deadlines(policy, 'kushki', 'credit', T)).toEqual({ expiresAt: T + 28 * DAY_MS, actBy: T + 28 * DAY_MS - 24 * HOUR_MS });
    expect(deadlines(policy, 'kushki', 'debit', T)).toEqual({ expiresAt: T + 7 * DAY_MS, actBy: T + 6 * DAY_MS });
  });

  it('takes a configured lead time and shorter windows', () => {
    const custom = createExpiryPolicy({ leadTimeMs: 36 * HOUR_MS, windows: { kushki: { credit: 20 * DAY_MS } } });
    expect(deadlines(custom, 'kushki', 'credit', T)).toEqual({ expiresAt: T + 20 * DAY_MS, actBy: T + 20 * DAY_MS - 36 * HOUR_MS });
    expect(windowFor(custom, 'kushki', 'debit')).toBe(7 * DAY_MS);
  });

  it('refuses a window longer than the documented one', () => {
    expect(() => createExpiryPolicy({ windows: { kushki: { debit: 8 * DAY_MS } } })).toThrow(ConfigError);
    expect(() => createExpiryPolicy({ windows: { paycertify: { credit: 28 * DAY_MS } } })).toThrow(/longer than the gateway's documented/);
  });

  it('refuses a lead time as long as the shortest window, and nonsense values', () => {
    expect(() => createExpiryPolicy({ leadTimeMs: 7 * DAY_MS })).toThrow(ConfigError);
    expect(() => createExpiryPolicy({ leadTimeMs: -1 })).toThrow(ConfigError);
    expect(() => createExpiryPolicy({ windows: { kushki: { debit: 0 } } })).toThrow(ConfigError);
  });

  it('needs both windows for a gateway it has no documentation for', () => {
    expect(() => createExpiryPolicy({ windows: { acme: { credit: DAY_MS * 5 } } })).toThrow(/configure both/);
    const acme = createExpiryPolicy({ windows: { acme: { credit: 5 * DAY_MS, debit: 3 * DAY_MS } } });
    expect(windowFor(acme, 'acme', 'unknown')).toBe(3 * DAY_MS);
  });

  it('refuses a gateway without a window', () => {
    expect(() => windowFor(policy, 'nope', 'credit')).toThrow(ConfigError);
  });
});
