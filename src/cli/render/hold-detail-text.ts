// `holdfast show` for people: the hold, its journal, its gateway exchanges with redacted bodies.
import type { ShowResult } from '../commands/show.js';
import { holdText } from './hold-text.js';
import { moneyText } from './money-text.js';
import { newTable } from './table.js';
import { colorState, type TerminalStyle } from './terminal-style.js';

/** The hold, then its transitions and exchanges, oldest first. */
export function holdDetailText({ hold, history, chain }: ShowResult, style: TerminalStyle): string {
  const parts = [holdText(hold, style)];
  // Replacement authorizations: the order's holds, oldest first; this one is marked.
  if (chain.length > 1) {
    const table = newTable(['', 'hold', 'state', 'amount', 'reference', 'authorized at', 'expires at'], style);
    for (const h of chain) {
      table.push([h.id === hold.id ? '→' : '', h.id, colorState(h.state, style.colors), moneyText(h.amount, h.currency), h.gatewayRef ?? '—', h.authorizedAt === null ? '—' : iso(h.authorizedAt), h.expiresAt === null ? '—' : iso(h.expiresAt)]);
    }
    parts.push(`${style.colors.bold('Replacement chain')} (each authorization released only once the next was authorized)\n${table.toString()}`);
  }
  // The chain of authorizations: the original, then each reauthorization that extended or adjusted it.
  if (hold.authorizations.length > 1) {
    const chain = newTable(['#', 'kind', 'reference', 'added', 'at', 'expires at'], style);
    hold.authorizations.forEach((a, i) => {
      chain.push([String(i + 1), a.kind, a.ref ?? '—', moneyText(a.amount, hold.currency), iso(a.at), iso(a.expiresAt)]);
    });
    parts.push(`${style.colors.bold('Authorizations')}
${chain.toString()}`);
  }
  const transitions = newTable(['at', 'from', 'to', 'event', 'actor'], style);
  for (const t of history.transitions) transitions.push([iso(t.at), t.from ?? '∅', t.to, t.event, t.actor]);
  parts.push(`${style.colors.bold('Transitions')}\n${transitions.toString()}`);
  if (history.exchanges.length === 0) {
    parts.push(`${style.colors.bold('Gateway exchanges')}\nnone`);
  } else {
    const exchanges = newTable(['#', 'at', 'operation', 'idempotency key', 'http', 'outcome', 'gateway code', 'message'], style);
    history.exchanges.forEach((e, i) => {
      exchanges.push([String(i + 1), iso(e.at), e.operation, e.idempotencyKey, e.httpStatus === null ? '—' : String(e.httpStatus), e.outcome, e.gatewayCode ?? '—', e.message ?? '—']);
    });
    // Bodies are too wide for a table cell; they follow it, numbered like its rows.
    const bodies = history.exchanges.map(
      (e, i) => `#${i + 1} request  ${JSON.stringify(e.request)}\n#${i + 1} response ${JSON.stringify(e.response)}`,
    );
    parts.push(`${style.colors.bold('Gateway exchanges')} (redacted)\n${exchanges.toString()}\n${bodies.join('\n')}`);
  }
  return parts.join('\n\n');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
