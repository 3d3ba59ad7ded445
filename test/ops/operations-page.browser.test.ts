// The operations page end to end in a real headless Chromium (Debian's, through playwright-core):
// a seeded database, the page server on a free loopback port, the attention list and its commands,
// the charts' values against the population, a hold's timeline and redacted exchanges, the search,
// and markup in a gateway message staying text. One browser for the whole file.
// HOLDFAST_UPDATE_SCREENSHOT=1 also writes docs/operations-page.png for the README.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { openHarness, type Harness } from '../helpers/harness.js';
import { ATTENTION, type OpsPopulation, seedOpsPopulation } from '../helpers/ops-population.js';
import { ECHOED_PAN, EchoingGateway } from '../helpers/echoing-gateway.js';
import { chromiumSkipReason, launchChromium } from '../helpers/chromium.js';
import { ROOT } from '../helpers/processes.js';
import { type OpsServer, startOpsServer } from '../../src/ops/ops-server.js';

const SCREENSHOT = join(ROOT, 'docs/operations-page.png');

/** Non-zero amounts per currency and day, from elements carrying data-currency/day/amount-minor. */
async function amountsIn(page: Page, selector: string): Promise<Record<string, Record<string, number>>> {
  const cells = await page.$$eval(selector, (els) =>
    els.map((e) => ({ currency: e.getAttribute('data-currency')!, day: e.getAttribute('data-day')!, amount: Number(e.getAttribute('data-amount-minor')) })),
  );
  const out: Record<string, Record<string, number>> = {};
  for (const c of cells) if (c.amount !== 0) (out[c.currency] ??= {})[c.day] = c.amount;
  return out;
}

describe.skipIf(chromiumSkipReason !== null)('operations page in headless Chromium', () => {
  let h: Harness;
  let population: OpsPopulation;
  let server: OpsServer;
  let browser: { context: BrowserContext; close: () => Promise<void> };
  let page: Page;
  const foreign: string[] = [];
  const consoleErrors: string[] = [];
  const id = (name: keyof OpsPopulation['holds']) => population.holds[name].id;

  beforeAll(async () => {
    browser = await launchChromium();
    h = await openHarness(undefined, { capabilities: { maxCaptures: 2 }, makeFake: (options) => new EchoingGateway(options) });
    (h.fake as EchoingGateway).declineCapturesWith('sub-capture-declines', `Tarjeta ${ECHOED_PAN} rechazada por el emisor`);
    population = await seedOpsPopulation(h);
    server = await startOpsServer(h.hf, { port: 0 });
    const origin = new URL(server.url).origin;
    // Nothing may leave the page's own origin: record and refuse anything else.
    await browser.context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = await browser.context.newPage();
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
    page.on('pageerror', (e) => void consoleErrors.push(e.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  it('loads the overview with the holds that need a person and the exact commands to run', async () => {
    const response = await page.goto(server.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
    expect(await page.title()).toBe('Overview · holdfast');
    const rows = await page.$$eval('table.attention tr[data-hold-id]', (trs) =>
      trs.map((tr) => ({
        id: tr.getAttribute('data-hold-id')!,
        kind: tr.getAttribute('data-kind')!,
        commands: [...tr.querySelectorAll('code.cmd')].map((c) => c.textContent),
        what: tr.querySelector('.what')?.textContent ?? '',
      })),
    );
    expect(rows.map((r) => `${r.kind}:${r.id}`).sort()).toEqual(
      Object.entries(ATTENTION).flatMap(([kind, names]) => names.map((n) => `${kind}:${id(n)}`)).sort(),
    );
    expect(await page.textContent('#attention-h .count')).toBe('4');
    const row = (name: keyof OpsPopulation['holds']) => rows.find((r) => r.id === id(name))!;
    expect(row('flagged').commands).toEqual([
      `holdfast resolve ${id('flagged')} --captured 60.00 --reason "what the gateway console shows"`,
      `holdfast resolve ${id('flagged')} --voided --reason "what the gateway console shows"`,
      `holdfast resolve ${id('flagged')} --not-captured --reason "what the gateway console shows"`,
    ]);
    expect(row('flagged').what).toContain('UNRESOLVED_AT_EXPIRY');
    expect(row('openCapture').commands).toEqual([`holdfast retry ${id('openCapture')}`]);
    expect(row('openAuthorize').commands).toEqual([`holdfast retry ${id('openAuthorize')}`]);
    expect(row('declinedCapture').commands).toEqual([`holdfast void ${id('declinedCapture')}`, `holdfast capture ${id('declinedCapture')}`]);
    // The gateway echoed the card number: the page shows it masked, as stored.
    expect(row('declinedCapture').what).toContain('Tarjeta 454700…1012 rechazada por el emisor');
    expect(await page.content()).not.toContain(ECHOED_PAN);
    if (process.env.HOLDFAST_UPDATE_SCREENSHOT === '1') await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('charts the amounts it was seeded with, per currency, in the SVG and in the table', async () => {
    expect(await amountsIn(page, 'svg[data-chart="still-held"] rect')).toEqual(population.stillHeld);
    expect(await amountsIn(page, 'table.chart-data[data-chart="still-held"] td[data-day]')).toEqual(population.stillHeld);
    expect(await amountsIn(page, 'svg[data-chart="expired"] rect')).toEqual(population.expired);
    expect(await amountsIn(page, 'table.chart-data[data-chart="expired"] td[data-day]')).toEqual(population.expired);
    expect(await page.textContent('table.chart-data[data-chart="still-held"] td[data-day="2026-01-15"][data-currency="PEN"]')).toBe('85.00 PEN');
    expect(await page.textContent('table.chart-data[data-chart="still-held"] td[data-day="2026-01-18"][data-currency="CLP"]')).toBe('15000 CLP');
    // As drawn: bar heights on screen are proportional to the amounts, each bar labelled with its value.
    const pen = await page.$$eval('svg[data-chart="still-held"][data-currency="PEN"] g', (gs) =>
      gs.map((g) => ({ amount: Number(g.querySelector('rect')!.getAttribute('data-amount-minor')), height: g.querySelector('rect')!.getBoundingClientRect().height, label: g.querySelector('text.value')?.textContent ?? null })),
    );
    const tallest = pen.find((b) => b.amount === 8500)!;
    for (const bar of pen.filter((b) => b.amount > 0)) {
      expect(bar.height / tallest.height).toBeCloseTo(bar.amount / 8500, 1);
      expect(bar.label).toBe((bar.amount / 100).toFixed(2));
    }
    const svg = page.locator('svg[data-chart="expired"][data-currency="PEN"]');
    expect(await svg.getAttribute('role')).toBe('img');
    expect(await svg.getAttribute('aria-label')).toContain('65.00 PEN in all');
    expect(await svg.locator('title').first().textContent()).toBe('Expired uncaptured (PEN)');
  });

  it('follows a hold to its timeline of transitions and its redacted gateway exchanges', async () => {
    await page.click(`table.attention tr[data-hold-id="${id('flagged')}"] a`);
    await page.waitForURL(`**/holds/${id('flagged')}`);
    const history = await h.hf.history(id('flagged'));
    const timeline = await page.$$eval('#timeline tbody tr', (trs) =>
      trs.map((tr) => `${tr.querySelector('.from')!.textContent}→${tr.querySelector('.to')!.textContent} ${tr.querySelector('.event')!.textContent} ${tr.querySelector('.actor')!.textContent}`),
    );
    expect(timeline).toEqual(history.transitions.map((t) => `${t.from ?? '∅'}→${t.to} ${t.event} ${t.actor}`));
    expect(timeline.at(-1)).toBe('capturing→needs_attention EXPIRE sweeper');
    const exchanges = await page.$$eval('.exchange', (els) => els.map((e) => `${e.getAttribute('data-operation')}/${e.getAttribute('data-outcome')}`));
    expect(exchanges).toEqual(['authorize/approved', 'capture/unknown']);
    expect(await page.textContent('#attention')).toContain(`holdfast resolve ${id('flagged')} --voided`);

    await page.goBack();
    await page.click(`table.attention tr[data-hold-id="${id('declinedCapture')}"] a`);
    await page.waitForURL(`**/holds/${id('declinedCapture')}`);
    const declined = page.locator('.exchange[data-operation="capture"][data-outcome="declined"]');
    expect(await declined.locator('.message').textContent()).toBe('Tarjeta 454700…1012 rechazada por el emisor');
    const response = await declined.locator('pre').nth(1).textContent();
    expect(JSON.parse(response!)).toMatchObject({ code: '017', card: { number: '454700…1012', holder: 'ANA TEST' } });
    expect(JSON.parse(response!).card).not.toHaveProperty('cvv');
    expect(await page.content()).not.toContain(ECHOED_PAN);
  });

  it('searches the holds with the form and lists them soonest actBy first', async () => {
    await page.goto(`${server.url}holds`);
    await page.fill('input[name="q"]', 'TRK-300');
    await page.selectOption('select[name="state"]', 'authorized');
    await page.click('form.search button');
    await page.waitForURL(/\/holds\?q=TRK-300&state=authorized/);
    const listed = await page.$$eval('table.holds tr[data-hold-id]', (trs) => trs.map((tr) => tr.getAttribute('data-hold-id')));
    expect(listed).toEqual((['overdue', 'dueToday', 'dueDay2', 'clpDay3', 'usdDay6', 'usdDay7'] as const).map(id));
    expect(await page.inputValue('input[name="q"]')).toBe('TRK-300');
  });

  it('shows markup in a gateway message as text: no script runs, no element is made', async () => {
    const hostile = '<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">';
    (h.fake as EchoingGateway).declineCapturesWith('sub-hostile', hostile);
    const hold = await h.hf.authorize({ gateway: 'fake', amount: 1200, currency: 'PEN', subscriptionId: 'sub-hostile', orderId: '<b>order</b>' });
    await h.hf.capture(hold.id).catch(() => undefined);
    for (const path of ['', `holds/${hold.id}`, `holds?q=${encodeURIComponent('<b>')}`]) {
      await page.goto(`${server.url}${path}`);
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('main script, main img, main b').count()).toBe(0);
    }
    expect(await page.textContent('table.holds')).toContain('<b>order</b>');
    await page.goto(`${server.url}holds/${hold.id}`);
    expect(await page.locator('.exchange .message').textContent()).toBe(hostile);
    expect(foreign).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
