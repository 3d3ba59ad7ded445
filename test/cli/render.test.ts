// Output for people: tables with amounts in major units, time left, and colour only when enabled.
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import pc from 'picocolors';
import { openHarness, type Harness, DAY_MS, T0 } from '../helpers/harness.js';
import { authorizeCommand } from '../../src/cli/commands/authorize.js';
import { listCommand } from '../../src/cli/commands/list.js';
import { showCommand } from '../../src/cli/commands/show.js';
import { statsCommand } from '../../src/cli/commands/stats.js';
import { holdListText } from '../../src/cli/render/hold-list-text.js';
import { holdDetailText } from '../../src/cli/render/hold-detail-text.js';
import { statsText } from '../../src/cli/render/stats-text.js';
import type { TerminalStyle } from '../../src/cli/render/terminal-style.js';

const ESC = '\u001b[';
let h: Harness;
beforeEach(async () => {
  h = await openHarness();
  h.fake.setSource('sub-debit', { cardType: 'debit' });
});
afterEach(async () => h.close());

const plain = (now: number): TerminalStyle => ({ colors: pc.createColors(false), now });
const colored = (now: number): TerminalStyle => ({ colors: pc.createColors(true), now });

describe('list text', () => {
  it('shows major units with the currency and the time left, overdue when past actBy, without colour codes', async () => {
    await authorizeCommand(h.hf, { gateway: 'fake', amount: '125.50', currency: 'PEN', subscriptionId: 'sub-debit', order: 'order-9' });
    await authorizeCommand(h.hf, { gateway: 'fake', amount: '15000', currency: 'CLP', subscriptionId: 'sub-credit' });
    const result = await listCommand(h.hf);
    const text = holdListText(result, plain(T0 + 2 * 3_600_000));
    expect(text).not.toContain(ESC);
    expect(text).toMatch(/order-9 .* authorized .* 125\.50 PEN .* 0\.00 PEN .* debit .* 2026-01-11 00:00Z .* 5d 22h/);
    expect(text).toMatch(/15000 CLP .* 0 CLP .* 26d 22h/);
    expect(holdListText(result, plain(T0 + 6 * DAY_MS + 2 * 3_600_000))).toContain('overdue 2h');
    expect(holdListText({ holds: [], nextCursor: null }, plain(T0))).toBe('no holds match');
  });

  it('colours states (and the overdue time) only when colour is on', async () => {
    await authorizeCommand(h.hf, { gateway: 'fake', amount: '1.00', currency: 'USD', subscriptionId: 'sub-debit' });
    const text = holdListText(await listCommand(h.hf), colored(T0 + 7 * DAY_MS));
    expect(text).toContain(pc.createColors(true).cyan('authorized'));
    expect(text).toContain(pc.createColors(true).red('overdue 1d'));
  });
});

describe('show and stats text', () => {
  it('show lists transitions and exchanges with their redacted bodies', async () => {
    const hold = await authorizeCommand(h.hf, { gateway: 'fake', amount: '60.00', currency: 'PEN', subscriptionId: 'sub-credit' });
    const text = holdDetailText(await showCommand(h.hf, { holdId: hold.id }), plain(T0));
    expect(text).toContain('60.00 PEN');
    expect(text).toMatch(/∅ +│ authorizing +│ AUTHORIZE/);
    expect(text).toMatch(/authorize +│ auth_[0-9a-f]+ +│ 201 +│ approved/);
    expect(text).toMatch(/#1 request +\{"idempotencyKey":/);
  });

  it('stats shows each table or says there is nothing', async () => {
    expect(statsText(await statsCommand(h.hf), plain(T0))).toBe(
      'Holds by state\nno holds\n\nReaching act-by (open holds, overdue included)\nnone within 7d\n\nExpired uncaptured (so far)\nnone',
    );
    await authorizeCommand(h.hf, { gateway: 'fake', amount: '60.00', currency: 'PEN', subscriptionId: 'sub-debit' });
    const text = statsText(await statsCommand(h.hf), plain(T0));
    expect(text).toMatch(/authorized +│ PEN +│ +1 │ +60\.00 PEN │ +0\.00 PEN/);
    expect(text).toMatch(/7d +│ PEN +│ +1 │ +60\.00 PEN/);
  });
});
