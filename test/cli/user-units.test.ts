// Messages a person reads are in the person's units: money in major units with its currency, times
// as ISO-8601 UTC, durations as typed — never minor units or epoch milliseconds.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness, T0 } from '../helpers/harness.js';
import { typedError } from '../helpers/typed-error.js';
import { authorizeCommand } from '../../src/cli/commands/authorize.js';
import { captureCommand } from '../../src/cli/commands/capture.js';
import { onExpiryCommand } from '../../src/cli/commands/on-expiry.js';
import { resolveCommand } from '../../src/cli/commands/resolve.js';
import { trackCommand } from '../../src/cli/commands/track.js';
import { eventForAnswer } from '../../machines/gateway-answer.js';
import { kushkiAmount } from '../../src/gateways/kushki/transformers.js';
import { createExpiryPolicy } from '../../src/policy/expiry-policy.js';

const MINOR_OR_MS = /\b\d{4,}\b(?! (PEN|CLP|USD))/; // a bare 4+ digit number: minor units or ms

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => h.close());

describe('messages in the user’s units', () => {
  it('a capture above the limit names the amounts in major units with the currency', async () => {
    const hold = await authorizeCommand(h.hf, { gateway: 'fake', amount: '60.00', currency: 'PEN', subscriptionId: 'sub-credit' });
    const error = await typedError(captureCommand(h.hf, { holdId: hold.id, amount: '70.00' }));
    expect(error.code).toBe('AMOUNT_EXCEEDS_AUTHORIZED');
    expect(error.message).toBe(
      `hold ${hold.id}: capturing 70.00 PEN would bring the captured total to 70.00 PEN, above the 66.00 PEN this authorization allows (60.00 PEN authorized plus the gateway's overcapture allowance)`,
    );
    const plan = await typedError(onExpiryCommand(h.hf, { holdId: hold.id, plan: 'capture', amount: '66.01' }));
    expect(plan.message).toContain('capturing 66.01 PEN would bring the captured total to 66.01 PEN, above the 66.00 PEN');
    const clp = await authorizeCommand(h.hf, { gateway: 'fake', amount: '15000', currency: 'CLP', subscriptionId: 'sub-credit' });
    expect((await typedError(captureCommand(h.hf, { holdId: clp.id, amount: '16501' }))).message).toContain('above the 16500 CLP this authorization allows');
  });

  it('an authorization time in the future is refused with both times in ISO-8601', async () => {
    const error = await typedError(trackCommand(h.hf, { gateway: 'fake', ref: 'ext-1', amount: '10.00', currency: 'PEN', authorizedAt: '2026-01-06T00:00:00Z' }));
    expect(error.message).toBe(`authorized at 2026-01-06T00:00:00.000Z is in the future (it is now ${new Date(T0).toISOString()}): give the time the gateway authorized it`);
  });

  it('an authorization tracked after its window says when it expired, and the window as typed', async () => {
    const error = await typedError(trackCommand(h.hf, { gateway: 'fake', ref: 'ext-2', amount: '10.00', currency: 'PEN', authorizedAt: '2025-12-20T00:00:00Z', cardType: 'debit' }));
    expect([error.code, error.message]).toEqual([
      'HOLD_EXPIRED',
      'the fake authorization made at 2025-12-20T00:00:00.000Z expired at 2025-12-27T00:00:00.000Z (a 7d window for a debit card); there is nothing left to track',
    ]);
  });

  it('a capture approval that disagrees with the request is flagged in money, not minor units', () => {
    const pending = { operation: 'capture' as const, idempotencyKey: 'k', amount: 4500, final: false, returnTo: 'authorized' as const, unknownAttempts: 0, retryAt: null, committedAt: T0, deadline: null };
    const event = eventForAnswer(pending, { kind: 'approved', amount: 5000 }, { at: T0, resumed: false, retryAt: T0, expectedRef: null, money: (m) => `${(m / 100).toFixed(2)} PEN` });
    expect(event).toMatchObject({ type: 'FLAG', reason: 'the gateway approved a capture of 50.00 PEN for a request of 45.00 PEN; nothing was applied' });
  });

  it('a Kushki tax breakdown that does not add up, and configured durations, read as typed', () => {
    expect(() => kushkiAmount(6000, 'PEN', { subtotalIva: 1000, subtotalIva0: 4000, iva: 0, ice: 0 })).toThrow(
      'Kushki tax breakdown adds up to 50.00 PEN, not the amount 60.00 PEN (its parts are minor units); make the parts add up exactly',
    );
    const tooLong = (27 * 24 + 23) * 3_600_000 + 58 * 60_000 + 28 * 24 * 3_600_000;
    expect(() => createExpiryPolicy({ windows: { kushki: { credit: tooLong } } })).toThrow(/\(55d23h58m\) is longer than the gateway's documented 28d/);
  });

  it('no refusal of the CLI commands leaks a bare minor-unit amount or millisecond count', async () => {
    const hold = await authorizeCommand(h.hf, { gateway: 'fake', amount: '60.00', currency: 'PEN', subscriptionId: 'sub-credit' });
    const messages = [
      (await typedError(captureCommand(h.hf, { holdId: hold.id, amount: '99.99' }))).message,
      (await typedError(onExpiryCommand(h.hf, { holdId: hold.id, plan: 'void', amount: '1.00' }))).message,
      (await typedError(resolveCommand(h.hf, { holdId: hold.id, voided: true, reason: 'console' }))).message,
      (await typedError(trackCommand(h.hf, { gateway: 'fake', ref: 'x', amount: '1.00', currency: 'PEN', authorizedAt: '2025-01-01T00:00:00Z' }))).message,
    ];
    for (const message of messages) expect(message.replace(/hold_[0-9a-f]{20}/g, 'hold_…').replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, 'ISO')).not.toMatch(MINOR_OR_MS);
  });
});
