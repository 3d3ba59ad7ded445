// The list of holds: a search form (GET, no script) and one page of holds, soonest actBy first.
import { HOLD_STATES } from '../../machines/hold.machine.js';
import { attentionKindOf } from '../../db/operations.repository.js';
import { html } from './html.js';
import { formatHoldAmount, formatMoney, formatTime } from './page-format.js';
import { page } from './page-layout.js';
import { KIND_LABELS } from './render-overview.js';
import type { HoldListPage, HoldListQuery } from './hold-list.js';

/** The list page as a complete HTML document; `error` replaces the results when the query was refused. */
export function renderHoldList(result: HoldListPage | { query: HoldListQuery; error: string }, now: number): string {
  const { query } = result;
  const form = html`<form class="search" method="get" action="/holds" role="search">
<label>Search <input type="search" name="q" value="${query.q}" placeholder="hold id, order or gateway ref" size="32"></label>
<label>State <select name="state"><option value="">any</option>${HOLD_STATES.map((s) => html`<option value="${s}"${s === query.state ? html` selected` : null}>${s}</option>`)}</select></label>
<label>Gateway <input name="gateway" value="${query.gateway}" size="10"></label>
<label>Order <input name="order" value="${query.order}" size="14"></label>
<button type="submit">Search</button></form>`;
  let results;
  if ('error' in result) {
    results = html`<p class="error" role="alert">${result.error}</p>`;
  } else if (result.holds.length === 0) {
    results = html`<p class="empty">No hold matches.</p>`;
  } else {
    const next = result.nextCursor === null ? null : `/holds?${new URLSearchParams({ q: query.q, state: query.state, gateway: query.gateway, order: query.order, cursor: result.nextCursor }).toString()}`;
    results = html`<table class="holds"><thead><tr><th>Hold</th><th>State</th><th class="num">Amount</th><th class="num">Captured</th><th>Order</th><th>Gateway · ref</th><th>actBy</th><th>Expires</th></tr></thead><tbody>
${result.holds.map((hold) => {
  const kind = attentionKindOf(hold);
  return html`<tr data-hold-id="${hold.id}"><td><a class="mono" href="/holds/${hold.id}">${hold.id}</a></td><td><span class="state">${hold.state}</span>${kind ? html` <span class="kind kind-${kind}">${KIND_LABELS[kind]}</span>` : null}</td>
<td class="num">${formatHoldAmount(hold)}</td><td class="num">${formatMoney(hold.capturedAmount, hold.currency)}</td><td>${hold.orderId ?? '—'}</td><td>${hold.gateway}${hold.gatewayRef ? html` · <span class="mono">${hold.gatewayRef}</span>` : null}</td>
<td class="mono">${formatTime(hold.actBy)}</td><td class="mono">${formatTime(hold.expiresAt)}</td></tr>`;
})}</tbody></table>
<p class="pager">${next === null ? html`<span class="muted">End of the list.</span>` : html`<a rel="next" href="${next}">Next ${result.holds.length} →</a>`}</p>`;
  }
  return page({ title: 'Holds', now, active: 'holds', body: html`<h1>Holds</h1><section>${form}${results}</section>` });
}
