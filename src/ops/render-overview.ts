// The overview page: the holds that need a person with the commands to run, then the two charts
// (still held by actBy day, expired uncaptured by day) with their numbers in tables.
import type { AttentionKind } from '../../db/operations.repository.js';
import { html, type SafeHtml } from './html.js';
import { barChart } from './bar-chart.js';
import { formatHoldAmount, formatMoney, formatRelative, formatTime } from './page-format.js';
import { noCommandNote, operatorCommands } from './operator-commands.js';
import { whatHappened } from './what-happened.js';
import { page } from './page-layout.js';
import { type AttentionItem, type DaySeries, EXPIRED_DAYS, type Overview, STILL_HELD_DAYS } from './overview.js';

/** Words for each attention kind. */
export const KIND_LABELS: Record<AttentionKind, string> = {
  needs_attention: 'needs attention',
  outcome_open: 'outcome open',
  capture_declined: 'capture declined',
};

const KIND_ORDER: readonly AttentionKind[] = ['needs_attention', 'outcome_open', 'capture_declined'];

/** The overview as a complete HTML document. */
export function renderOverview(overview: Overview): string {
  const body = html`<h1>Overview</h1>
${attentionSection(overview)}
<section id="still-held" aria-labelledby="still-held-h"><h2 id="still-held-h">Still held by open holds, by the UTC day their actBy falls on — next ${STILL_HELD_DAYS} days</h2>
<p class="hint">Authorized amount minus what was captured, of holds still open; holds whose actBy has passed count on today. holdfast captures or voids each one at its actBy.</p>
${chartsAndTable('still-held', overview.stillHeld, '#2563eb', 'Still held, reaching actBy', 'Nothing is held by a hold whose actBy falls in the next 7 days.')}</section>
<section id="expired" aria-labelledby="expired-h"><h2 id="expired-h">Expired uncaptured, by the UTC day the hold ended — last ${EXPIRED_DAYS} days</h2>
<p class="hint">Holds whose window closed with nothing captured: the issuer released these funds.</p>
${chartsAndTable('expired', overview.expired, '#d97706', 'Expired uncaptured', 'No hold expired uncaptured in the last 30 days.')}</section>`;
  return page({ title: 'Overview', now: overview.at, active: 'overview', body });
}

function attentionSection(overview: Overview): SafeHtml {
  const items = [...overview.attention].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const more = overview.attentionMore.length === 0
    ? null
    : html`<p class="hint">More holds than shown: ${overview.attentionMore.map((k) => KIND_LABELS[k]).join(', ')} (the list shows the first of each kind; search them under <a href="/holds">Holds</a>).</p>`;
  const table = items.length === 0
    ? html`<p class="empty">Nothing needs a person.</p>`
    : html`<table class="attention"><thead><tr><th>Hold</th><th>Why</th><th class="num">Amount</th><th>Order · gateway</th><th>Deadline</th><th>What happened</th><th>Run</th></tr></thead>
<tbody>${items.map((item) => attentionRow(item, overview.at))}</tbody></table>`;
  return html`<section id="attention" aria-labelledby="attention-h"><h2 id="attention-h">Needs a person <span class="count">${items.length}</span></h2>
<p class="hint">Flagged holds, captures the gateway declined on holds still open, and calls whose outcome is still open. Commands run against this database (<code>--db</code> / <code>HOLDFAST_DB</code>); a <code>resolve</code> records what the gateway's console shows, in place of the quoted reason.</p>
${more}${table}</section>`;
}

function attentionRow({ kind, hold }: AttentionItem, now: number): SafeHtml {
  const deadline = hold.pending?.deadline ?? hold.expiresAt;
  const commands = operatorCommands(kind, hold, now);
  return html`<tr data-hold-id="${hold.id}" data-kind="${kind}">
<td><a class="mono" href="/holds/${hold.id}">${hold.id}</a><br><span class="state">${hold.state}</span></td>
<td><span class="kind kind-${kind}">${KIND_LABELS[kind]}</span></td>
<td class="num">${formatHoldAmount(hold)}${hold.capturedAmount > 0 ? html`<br><span class="muted">captured ${formatMoney(hold.capturedAmount, hold.currency)}</span>` : null}</td>
<td>${hold.orderId ?? '—'}<br><span class="muted">${hold.gateway}${hold.gatewayRef ? ` · ${hold.gatewayRef}` : ''}</span></td>
<td class="mono">${formatTime(deadline)}${deadline === null ? null : html`<br><span class="muted">${formatRelative(deadline, now)}</span>`}</td>
<td class="what">${whatHappened(kind, hold)}</td>
<td class="run">${commands.length === 0
    ? html`<span class="muted">${noCommandNote(kind, hold)}</span>`
    : html`<ul class="commands">${commands.map((c) => html`<li><code class="cmd">${c.command}</code><span class="meaning">${c.meaning}</span></li>`)}</ul>`}</td>
</tr>`;
}

function chartsAndTable(chart: string, series: DaySeries, color: string, title: string, empty: string): SafeHtml {
  if (series.currencies.length === 0) return html`<p class="empty" data-chart="${chart}">${empty}</p>`;
  const charts = series.currencies.map((c) => {
    const total = c.amounts.reduce((a, b) => a + b, 0);
    return html`<figure>${barChart({ id: `${chart}-${c.currency}`, chart, title: `${title} (${c.currency})`, currency: c.currency, days: series.days, amounts: c.amounts, counts: c.counts, color })}<figcaption>${c.currency}: ${formatMoney(total, c.currency)} in all</figcaption></figure>`;
  });
  const rows = series.days.map((day, i) => {
    if (chart === 'expired' && series.currencies.every((c) => c.amounts[i] === 0)) return null;
    return html`<tr><th scope="row" class="mono">${day}</th>${series.currencies.map((c) => html`<td class="num" data-day="${day}" data-currency="${c.currency}" data-amount-minor="${c.amounts[i]}">${formatMoney(c.amounts[i] ?? 0, c.currency)}</td>`)}</tr>`;
  });
  const totals = html`<tr><th scope="row">total</th>${series.currencies.map((c) => html`<td class="num" data-total="true" data-currency="${c.currency}" data-amount-minor="${c.amounts.reduce((a, b) => a + b, 0)}">${formatMoney(c.amounts.reduce((a, b) => a + b, 0), c.currency)}</td>`)}</tr>`;
  return html`<div class="charts">${charts}</div>
<table class="chart-data" data-chart="${chart}"><caption class="muted">${chart === 'expired' ? 'Days with an expired hold' : 'Per day'} (UTC), per currency</caption><thead><tr><th>Day</th>${series.currencies.map((c) => html`<th class="num">${c.currency}</th>`)}</tr></thead><tbody>${rows}${totals}</tbody></table>`;
}
