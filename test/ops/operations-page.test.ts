// The operations page without a browser: escaping, the SVG chart, the commands offered per kind of
// hold, and the HTTP routes as `holdfast serve`'s listener and the daemon's metrics listener answer them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { html, escapeHtml, SafeHtml } from '../../src/ops/html.js';
import { barChart } from '../../src/ops/bar-chart.js';
import { noCommandNote, operatorCommands } from '../../src/ops/operator-commands.js';
import { formatHoldAmount, formatMoney, formatTime } from '../../src/ops/page-format.js';
import { type OpsServer, startOpsServer } from '../../src/ops/ops-server.js';
import { CONTENT_SECURITY_POLICY } from '../../src/ops/ops-page.js';
import { HOLD_LIST_PAGE } from '../../src/ops/hold-list.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { PortUnavailableError } from '../../src/errors.js';
import { openHarness, quietSchedule, type Harness, DAY_MS } from '../helpers/harness.js';
import { ATTENTION, type OpsPopulation, seedOpsPopulation } from '../helpers/ops-population.js';
import { EchoingGateway } from '../helpers/echoing-gateway.js';

/** A raw HTTP request, so that Host and the method are exactly what the test says. */
function raw(url: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET', headers: options.host ? { host: options.host } : {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('html', () => {
  it('escapes every interpolated value and keeps only SafeHtml as markup', () => {
    const evil = `<script>alert("x")</script>&'`;
    expect(html`<p title="${evil}">${evil}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
    expect(html`<ul>${['<a>', html`<li>b</li>`]}${null}${undefined}${false}${0}</ul>`.text).toBe('<ul>&lt;a&gt;<li>b</li>0</ul>');
    expect(escapeHtml(new SafeHtml('<b>'))).toBe('&lt;b&gt;');
  });

  it('formats money in major units with the currency and times as ISO-8601 UTC', () => {
    expect(formatMoney(7000, 'PEN')).toBe('70.00 PEN');
    expect(formatMoney(15000, 'CLP')).toBe('15000 CLP');
    expect(formatMoney(1234, 'KWD')).toBe('1.234 KWD');
    expect(formatTime(Date.UTC(2026, 0, 15, 10))).toBe('2026-01-15T10:00:00Z');
    expect(formatTime(null)).toBe('—');
    expect(formatHoldAmount({ amount: 500, currency: 'USD', authorizedAt: null })).toBe('5.00 USD asked');
    expect(formatHoldAmount({ amount: 500, currency: 'USD', authorizedAt: 1 })).toBe('5.00 USD');
  });
});

describe('bar chart', () => {
  const days = ['2026-01-15', '2026-01-16', '2026-01-17'];
  const svg = barChart({ id: 'c-PEN', chart: 'still-held', title: 'Still held (PEN)', currency: 'PEN', days, amounts: [8500, 0, 2000], counts: [2, 0, 1], color: '#000' }).text;

  it('is an image with a title and a summary of its values', () => {
    expect(svg).toMatch(/^<svg class="chart" role="img" aria-label="Still held \(PEN\), 2026-01-15 to 2026-01-17: 105\.00 PEN in all; 2026-01-15 85\.00 PEN, 2026-01-17 20\.00 PEN"/);
    expect(svg).toContain('<title id="c-PEN-title">Still held (PEN)</title>');
    expect(svg).not.toMatch(/href|<image|<script|url\(/);
  });

  it('gives each bar its day, currency and amount, a tooltip, a value label and a height in proportion', () => {
    const bars = [...svg.matchAll(/<rect [^>]*height="(\d+)"[^>]*data-day="([^"]+)" data-currency="PEN" data-amount-minor="(\d+)" data-count="(\d+)"/g)].map((m) => ({ height: Number(m[1]), day: m[2], amount: Number(m[3]), count: Number(m[4]) }));
    expect(bars).toEqual([
      { height: 110, day: '2026-01-15', amount: 8500, count: 2 },
      { height: 0, day: '2026-01-16', amount: 0, count: 0 },
      { height: 26, day: '2026-01-17', amount: 2000, count: 1 },
    ]);
    expect(svg).toContain('<title>2026-01-15: 85.00 PEN (2 holds)</title>');
    expect([...svg.matchAll(/<text class="value"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1])).toEqual(['85.00', '20.00']);
  });

  it('stands its labels upright when 30 bars share the width, so that neighbours never overlap', () => {
    const many = barChart({ id: 'e', chart: 'expired', title: 'Expired', currency: 'USD', days: Array.from({ length: 30 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`), amounts: Array.from({ length: 30 }, (_, i) => i * 100), counts: new Array(30).fill(1), color: '#000' }).text;
    expect(many.match(/transform="rotate\(-90/g)).toHaveLength(29);
  });
});

describe('the page on a seeded database', () => {
  let h: Harness;
  let population: OpsPopulation;
  let server: OpsServer;
  const id = (name: keyof OpsPopulation['holds']) => population.holds[name].id;

  beforeAll(async () => {
    h = await openHarness(undefined, { capabilities: { maxCaptures: 2 }, makeFake: (options) => new EchoingGateway(options) });
    population = await seedOpsPopulation(h);
    server = await startOpsServer(h.hf, { port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
  });

  it('offers only commands the hold accepts: resolve after the deadline, retry before it, void or capture after a decline', () => {
    const now = h.clock.now();
    const { flagged, openCapture, declinedCapture } = population.holds;
    expect(operatorCommands('needs_attention', flagged, now).map((c) => c.command)).toEqual([
      `holdfast resolve ${flagged.id} --captured 60.00 --reason "what the gateway console shows"`,
      `holdfast resolve ${flagged.id} --voided --reason "what the gateway console shows"`,
      `holdfast resolve ${flagged.id} --not-captured --reason "what the gateway console shows"`,
    ]);
    // Flagged before its deadline (an answer that disagreed with the hold): retry is offered too.
    const early = { ...flagged, pending: { ...flagged.pending!, deadline: now + DAY_MS } };
    expect(operatorCommands('needs_attention', early, now).at(-1)?.command).toBe(`holdfast retry ${flagged.id}`);
    // An authorization in question can be resolved as voided or not captured, never as captured.
    const authorize = { ...flagged, pending: { ...flagged.pending!, operation: 'authorize' as const } };
    expect(operatorCommands('needs_attention', authorize, now).map((c) => c.command).join('\n')).not.toContain('--captured');
    // Waiting on a replacement hold: nothing is sent for this one, so no retry and no captured resolution.
    const replace = { ...early, pending: { ...early.pending!, operation: 'replace' as const, replacementId: 'hold_00000000000000000001' } };
    expect(operatorCommands('needs_attention', replace, now).map((c) => c.command)).toEqual([
      `holdfast resolve ${flagged.id} --voided --reason "what the gateway console shows"`,
      `holdfast resolve ${flagged.id} --not-captured --reason "what the gateway console shows"`,
    ]);
    expect(operatorCommands('outcome_open', { ...openCapture, pending: { ...openCapture.pending!, operation: 'replace' as const } }, now)).toEqual([]);
    expect(operatorCommands('needs_attention', { ...flagged, pending: null }, now)).toEqual([]);
    expect(noCommandNote('needs_attention', { ...flagged, pending: null })).toContain(`holdfast show ${flagged.id}`);
    expect(operatorCommands('outcome_open', openCapture, now).map((c) => c.command)).toEqual([`holdfast retry ${openCapture.id}`]);
    expect(operatorCommands('outcome_open', openCapture, openCapture.expiresAt!)).toEqual([]);
    expect(noCommandNote('outcome_open', openCapture)).toMatch(/^Its deadline has passed/);
    expect(operatorCommands('capture_declined', declinedCapture, now).map((c) => c.command)).toEqual([`holdfast void ${declinedCapture.id}`, `holdfast capture ${declinedCapture.id}`]);
  });

  it('serves the overview with a strict Content-Security-Policy and no external reference', async () => {
    const res = await raw(server.url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    for (const [, names] of Object.entries(ATTENTION)) for (const name of names) expect(res.body).toContain(`data-hold-id="${id(name)}"`);
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)|<link rel="stylesheet"|@import|url\(/);
    expect(res.body).toContain('85.00 PEN');
  });

  it('is read-only: every method but GET and HEAD is refused with 405 and changes nothing', async () => {
    const before = await h.hf.get(id('flagged'));
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      for (const path of ['', 'holds', `holds/${id('flagged')}`]) {
        const res = await raw(`${server.url}${path}`, { method });
        expect(res.status, `${method} /${path}`).toBe(405);
        expect(res.headers.allow).toBe('GET, HEAD');
      }
    }
    expect((await h.hf.get(id('flagged'))).version).toBe(before.version);
    const head = await raw(`${server.url}holds/${id('flagged')}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('answers 404 for an unknown hold or path and 400 for a bad search, with the page around it', async () => {
    expect((await raw(`${server.url}holds/hold_00000000000000000000`)).status).toBe(404);
    expect((await raw(`${server.url}holds/${id('flagged')}/x`)).status).toBe(404);
    expect((await raw(`${server.url}favicon.ico`)).status).toBe(404);
    const badState = await raw(`${server.url}holds?state=${encodeURIComponent('<i>x</i>')}`);
    expect(badState.status).toBe(400);
    expect(badState.body).toContain('unknown state &quot;&lt;i&gt;x&lt;/i&gt;&quot;');
    expect((await raw(`${server.url}holds?cursor=bm9wZQ`)).status).toBe(400);
  });

  it('answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
    expect((await raw(server.url, { host: 'evil.example:80' })).status).toBe(421);
    expect((await raw(server.url, { host: `localhost:${new URL(server.url).port}` })).status).toBe(200);
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('shows a hold with its timeline, its stored request and its exchanges, JSON pretty-printed', async () => {
    const res = await raw(`${server.url}holds/${id('flagged')}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<span class="from">capturing</span> → <span class="to">needs_attention</span>');
    expect(res.body).toContain('&quot;note&quot;: &quot;gift wrap &lt;b&gt;please&lt;/b&gt;&quot;');
    expect(res.body).toContain(`&quot;idempotencyKey&quot;: &quot;${population.holds.flagged.pending!.idempotencyKey}&quot;`);
    expect(res.body).not.toContain('<b>please</b>');
  });

  it('renders a gateway message containing <script> inert, wherever it is shown', async () => {
    (h.fake as EchoingGateway).declineCapturesWith('sub-script', '<script>alert(1)</script> declined');
    const hold = await h.hf.authorize({ gateway: 'fake', amount: 700, currency: 'PEN', subscriptionId: 'sub-script', orderId: '"><svg onload=alert(2)>' });
    await h.hf.capture(hold.id).catch(() => undefined);
    expect((await h.hf.get(hold.id)).lastError?.message).toBe('<script>alert(1)</script> declined');
    for (const path of ['', `holds/${hold.id}`, 'holds?q=svg']) {
      const { body } = await raw(`${server.url}${path}`);
      if (path !== 'holds?q=svg') expect(body, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt; declined');
      expect(body, path).not.toMatch(/<script|<svg onload/);
      expect(body, path).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;');
    }
  });

  it('pages through the holds, soonest actBy first, with a next link that keeps the filters', async () => {
    for (let i = 0; i < HOLD_LIST_PAGE + 5; i++) {
      await h.hf.track({ gateway: 'fake', gatewayRef: `page-${i}`, orderId: `page-${i}`, amount: 100 + i, currency: 'USD', cardType: 'credit', authorizedAt: h.clock.now() - i * 60_000 });
    }
    const first = await raw(`${server.url}holds?q=page-&state=authorized`);
    const ids = (body: string) => [...body.matchAll(/<tr data-hold-id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids(first.body)).toHaveLength(HOLD_LIST_PAGE);
    const next = /<a rel="next" href="([^"]+)"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toMatch(/^\/holds\?q=page-&state=authorized&gateway=&order=&cursor=/);
    const second = await raw(`${server.url}${next!.slice(1)}`);
    expect(second.body).toContain('End of the list.');
    expect(ids(second.body)).toHaveLength(5);
    expect(new Set([...ids(first.body), ...ids(second.body)]).size).toBe(HOLD_LIST_PAGE + 5);
    const all = await raw(`${server.url}holds?q=page-4`);
    // page-4 and page-40…49.
    expect(ids(all.body)).toHaveLength(11);
  });
});

describe('serving the page', () => {
  it('the daemon serves it next to /metrics and /healthz on its loopback metrics port, GET only', async () => {
    const h = await openHarness();
    try {
      h.fake.setSource('d', { cardType: 'debit' });
      const hold = await h.hf.authorize({ gateway: 'fake', amount: 4200, currency: 'PEN', subscriptionId: 'd' });
      const daemon = await startDaemon(h.hf, { metricsPort: 0, schedule: quietSchedule() });
      try {
        await daemon.firstSweep;
        const overview = await raw(`${daemon.metricsUrl}/`);
        expect(overview.status).toBe(200);
        expect(overview.body).toContain('42.00 PEN');
        expect((await raw(`${daemon.metricsUrl}/holds/${hold.id}`)).body).toContain(hold.id);
        expect((await raw(`${daemon.metricsUrl}/metrics`)).body).toContain('holdfast_holds{state="authorized"} 1');
        expect((await raw(`${daemon.metricsUrl}/healthz`)).status).toBe(200);
        expect((await raw(`${daemon.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
        expect((await raw(`${daemon.metricsUrl}/nothing`)).status).toBe(404);
        // A second daemon on the same port: a clear error naming the flag.
        const port = Number(new URL(daemon.metricsUrl!).port);
        const busy = await startDaemon(h.hf, { metricsPort: port, schedule: quietSchedule() }).catch((e: unknown) => e);
        expect(busy).toBeInstanceOf(PortUnavailableError);
        expect((busy as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use (another holdfast serve or daemon?): choose another with --metrics-port <port>, or --metrics-port 0 for any free port`);
      } finally {
        await daemon.stop();
      }
    } finally {
      await h.close();
    }
  });
});
