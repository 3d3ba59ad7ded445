// The operations page's HTTP routes, for any node:http server (the daemon's metrics listener and
// `holdfast serve`): GET / (overview), /holds (search), /holds/<id> (one hold). Read-only: GET and
// HEAD only. Every response forbids scripts, external requests and framing; only requests addressed
// to a loopback name are answered, so a web page elsewhere cannot read it through DNS rebinding.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Holdfast } from '../holds/holdfast.js';
import { engineOf } from '../holds/internals.js';
import { HoldfastError } from '../errors.js';
import { redactUrlsInText } from '../../db/redact-url.js';
import { html } from './html.js';
import { page } from './page-layout.js';
import { isLoopbackHost } from './listen-loopback.js';
import { loadOverview } from './overview.js';
import { renderOverview } from './render-overview.js';
import { holdListQuery, loadHoldList } from './hold-list.js';
import { renderHoldList } from './render-hold-list.js';
import { loadHoldDetail } from './hold-detail.js';
import { renderHoldDetail } from './render-hold-detail.js';

/** Answers one request. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The page's Content-Security-Policy: no script, no external anything; inline CSS and data: images only. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const READ_METHODS = new Set(['GET', 'HEAD']);
const HOLD_PATH = /^\/holds\/(hold_[0-9a-f]{20})$/;

/** Answers 405 to anything but GET and HEAD and returns true; false when the request may go on. */
export function refuseWrites(req: IncomingMessage, res: ServerResponse): boolean {
  if (READ_METHODS.has(req.method ?? '')) return false;
  res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
  res.end('read-only: only GET and HEAD are answered\n');
  return true;
}

/** True when `pathname` is one of the page's routes. */
export function isOpsPath(pathname: string): boolean {
  return pathname === '/' || pathname === '/holds' || pathname === '/holds/' || HOLD_PATH.test(pathname);
}

/** The page's request handler on an open holdfast instance. */
export function opsPage(hf: Holdfast): RequestHandler {
  const engine = engineOf(hf);
  return async (req, res) => {
    if (refuseWrites(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const now = () => engine.clock.now();
    if (!isLoopbackHost(hostName(req.headers.host))) {
      return send(res, 421, page({ title: 'Refused', now: now(), active: 'overview', body: html`<h1>Refused</h1><p>The operations page answers only requests addressed to 127.0.0.1 or localhost.</p>` }));
    }
    try {
      if (url.pathname === '/') return send(res, 200, renderOverview(await loadOverview(engine)));
      if (url.pathname === '/holds' || url.pathname === '/holds/') {
        const query = holdListQuery(url.searchParams);
        try {
          return send(res, 200, renderHoldList(await loadHoldList(engine, query), now()));
        } catch (error) {
          if (error instanceof HoldfastError && error.usage) return send(res, 400, renderHoldList({ query, error: error.message }, now()));
          throw error;
        }
      }
      const match = HOLD_PATH.exec(url.pathname);
      const detail = match ? await loadHoldDetail(engine, match[1]!) : null;
      if (detail) return send(res, 200, renderHoldDetail(detail));
      return send(res, 404, page({ title: 'Not found', now: now(), active: 'overview', body: html`<h1>Not found</h1><p>${match ? `No hold has the id ${match[1]}.` : `Nothing is served at ${url.pathname}.`} <a href="/holds">Search the holds</a>.</p>` }));
    } catch (error) {
      const message = redactUrlsInText(error instanceof Error ? error.message : String(error));
      engine.logger.error({ event: 'ops_page_failed', path: url.pathname, err: message }, 'operations page failed');
      return send(res, 500, page({ title: 'Error', now: now(), active: 'overview', body: html`<h1>Could not read the holds</h1><p class="error">${message}</p>` }));
    }
  };
}

function hostName(host: string | undefined): string {
  if (host === undefined) return '';
  // "[::1]:9465" → "[::1]", "127.0.0.1:9465" → "127.0.0.1"
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(body);
}
