// A hold's own page: its facts, what to do if it needs a person, its timeline of transitions (actor
// and detail) and its redacted gateway exchanges, with JSON pretty-printed and escaped.
import { html, type SafeHtml } from './html.js';
import { formatHoldAmount, formatMoney, formatTime } from './page-format.js';
import { page } from './page-layout.js';
import { KIND_LABELS } from './render-overview.js';
import { noCommandNote, operatorCommands } from './operator-commands.js';
import { whatHappened } from './what-happened.js';
import type { HoldDetail } from './hold-detail.js';

/** The hold's page as a complete HTML document. */
export function renderHoldDetail(detail: HoldDetail): string {
  const { hold, kind, at } = detail;
  const money = (minor: number) => formatMoney(minor, hold.currency);
  const pending = hold.pending;
  const error = hold.lastError;
  const facts: [string, unknown][] = [
    ['State', html`<span class="state">${hold.state}</span>${hold.closed ? ' (closed)' : ''}`],
    ['Amount', formatHoldAmount(hold)],
    ['Captured', `${money(hold.capturedAmount)} in ${hold.captureCount} capture(s)`],
    ['Order', hold.orderId ?? '—'],
    ['Gateway', hold.gateway],
    ['Gateway reference', hold.gatewayRef ?? '—'],
    ['Subscription', hold.subscriptionId ?? '—'],
    ['Card', `${hold.cardType}${hold.maskedCard ? ` · ${hold.maskedCard}` : ''}`],
    ['Authorized at', formatTime(hold.authorizedAt)],
    ['actBy', formatTime(hold.actBy)],
    ['Expires at', formatTime(hold.expiresAt)],
    ['At actBy', hold.onExpiry === 'extend'
      ? `extend until ${formatTime(hold.holdUntil)}${hold.extendBy ? ` by ${hold.extendBy}` : ''}, then ${hold.fallback ?? 'void'}`
      : `${hold.onExpiry}${hold.onExpiryAmount === null ? '' : ` ${money(hold.onExpiryAmount)}`}`],
    ...(hold.replaces === null ? [] : [['Replaces', holdLink(hold.replaces)] as [string, unknown]]),
    ...(hold.replacedBy === null ? [] : [['Replaced by', html`${holdLink(hold.replacedBy)} (the order's funds are held there now)`] as [string, unknown]]),
    ['In flight', pending
      ? `${pending.operation} of ${money(pending.amount)} under key ${pending.idempotencyKey}; ${pending.unknownAttempts} open answer(s)` +
        `${pending.retryAt === null ? '' : `; next attempt ${formatTime(pending.retryAt)}`}; nothing sent from ${formatTime(pending.deadline ?? hold.expiresAt)}`
      : '—'],
    ['Last error', error ? `${error.operation ?? ''} ${error.code}: ${error.message} (${formatTime(error.at)})`.trim() : '—'],
    ['Created / updated', `${formatTime(hold.createdAt)} / ${formatTime(hold.updatedAt)} (version ${hold.version})`],
  ];
  const commands = kind ? operatorCommands(kind, hold, at) : [];
  const attention = kind === null ? null : html`<section id="attention" aria-labelledby="attention-h"><h2 id="attention-h"><span class="kind kind-${kind}">${KIND_LABELS[kind]}</span></h2>
<p class="what">${whatHappened(kind, hold)}</p>
${commands.length === 0 ? html`<p class="muted">${noCommandNote(kind, hold)}</p>` : html`<ul class="commands">${commands.map((c) => html`<li><code class="cmd">${c.command}</code><span class="meaning">${c.meaning}</span></li>`)}</ul>`}</section>`;
  const body = html`<h1>Hold <span class="mono">${hold.id}</span></h1>
${attention}
<section aria-labelledby="facts-h"><h2 id="facts-h">Hold</h2><dl class="facts">${facts.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>
${detail.request === null ? null : html`<details><summary>Stored authorization request (order, subscription, metadata; never card data)</summary>${json(detail.request)}</details>`}</section>
<section id="timeline" aria-labelledby="timeline-h"><h2 id="timeline-h">Timeline</h2>
<table class="timeline"><thead><tr><th class="num">#</th><th>At</th><th>Transition</th><th>Event</th><th>Actor</th><th>Detail</th></tr></thead><tbody>
${detail.transitions.map((t) => html`<tr data-seq="${t.seq}"><td class="num">${t.seq}</td><td class="mono">${formatTime(t.at)}</td><td><span class="from">${t.from ?? '∅'}</span> → <span class="to">${t.to}</span></td><td class="mono event">${t.event}</td><td class="actor">${t.actor}</td><td>${t.detail === null ? '—' : json(t.detail)}</td></tr>`)}
</tbody></table></section>
<section id="exchanges" aria-labelledby="exchanges-h"><h2 id="exchanges-h">Gateway exchanges <span class="muted">(redacted as stored)</span></h2>
${detail.exchanges.length === 0 ? html`<p class="empty">No gateway exchange was recorded for this hold.</p>` : detail.exchanges.map((e) => html`<div class="exchange" data-exchange-id="${e.id}" data-operation="${e.operation}" data-outcome="${e.outcome}">
<p><strong>${e.operation}</strong> · <span class="outcome">${e.outcome}</span> · HTTP ${e.httpStatus ?? '—'}${e.gatewayCode === null ? null : html` · code <span class="mono">${e.gatewayCode}</span>`} · ${formatTime(e.at)} · ${e.latencyMs} ms<br>
<span class="muted">key</span> <span class="mono">${e.idempotencyKey}</span>${e.message === null ? null : html`<br><span class="muted">message</span> <span class="message">${e.message}</span>`}</p>
<div class="pair"><div><span class="muted">request</span>${json(e.request)}</div><div><span class="muted">response</span>${json(e.response)}</div></div></div>`)}
</section>`;
  return page({ title: `Hold ${hold.id}`, now: at, active: 'holds', body });
}

function holdLink(id: string): SafeHtml {
  return html`<a class="mono" href="/holds/${id}">${id}</a>`;
}

function json(value: unknown): SafeHtml {
  return html`<pre class="json">${JSON.stringify(value, null, 2) ?? 'null'}</pre>`;
}
