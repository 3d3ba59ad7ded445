// Shared HTTP wiring for gateway adapters. got never retries here: a retried POST is a second
// capture unless it carries the same Idempotency-Key, and only the service knows the key's history.
// Every failure is classified by one question: could the gateway have acted on the request?
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import got, { type Got } from 'got';

/** Client-side limits, in milliseconds. */
export interface HttpTimeouts {
  /** DNS lookup, TCP connect and TLS handshake, each. Exceeding it means nothing was sent. */
  connectMs: number;
  /** From the request being fully sent to the response headers. Exceeding it means "maybe". */
  responseMs: number;
  /** The whole exchange, body download included (a trickling body). */
  requestMs: number;
}

/** Production defaults: generous enough for a slow acquirer, short enough for a sweeper's lease. */
export const DEFAULT_TIMEOUTS: Readonly<HttpTimeouts> = Object.freeze({ connectMs: 5_000, responseMs: 30_000, requestMs: 40_000 });

/** Bodies larger than this are not read: a gateway answer is a few kilobytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/** How to reach one gateway. */
export interface HttpClientOptions {
  baseUrl: string;
  timeouts?: Partial<HttpTimeouts> | undefined;
  maxResponseBytes?: number | undefined;
  userAgent?: string | undefined;
}

/** One request to send; `body` is serialised as JSON when present. */
export interface HttpCall {
  method: 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** What came back: a response of any status, or a transport failure already classified. */
export type HttpResult =
  | { kind: 'response'; status: number; bodyText: string; headers: Record<string, string | string[] | undefined>; latencyMs: number }
  | { kind: 'transport'; outcome: 'unknown' | 'unavailable'; reason: string; latencyMs: number };

/** A configured client for one gateway base URL. */
export interface HttpClient {
  send(call: HttpCall): Promise<HttpResult>;
  close(): void;
}

/** Creates a got-based client: explicit timeouts, keep-alive, no retry, no redirects, no throw on status. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeouts: HttpTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const base = options.baseUrl.replace(/\/+$/, '');
  const agent = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  const client: Got = got.extend({
    timeout: {
      lookup: timeouts.connectMs,
      connect: timeouts.connectMs,
      secureConnect: timeouts.connectMs,
      send: timeouts.responseMs,
      response: timeouts.responseMs,
      request: timeouts.requestMs,
    },
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    http2: false,
    agent,
    headers: { 'user-agent': options.userAgent ?? 'holdfast', accept: 'application/json' },
  });

  return {
    async send(call: HttpCall): Promise<HttpResult> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const request = client(`${base}${call.path}`, {
        method: call.method,
        headers: call.headers,
        ...(call.body === undefined ? {} : { json: call.body }),
        responseType: 'text',
      });
      let tooLarge = false;
      request.on('downloadProgress', (progress) => {
        if (progress.transferred > maxBytes && !tooLarge) {
          tooLarge = true;
          request.cancel();
        }
      });
      try {
        const response = await request;
        return { kind: 'response', status: response.statusCode, bodyText: response.body, headers: response.headers, latencyMs: elapsed() };
      } catch (error) {
        if (tooLarge) {
          return { kind: 'transport', outcome: 'unknown', reason: `response larger than ${maxBytes} bytes`, latencyMs: elapsed() };
        }
        return { kind: 'transport', ...classifyTransportError(error), latencyMs: elapsed() };
      }
    },
    close(): void {
      agent.http.destroy();
      agent.https.destroy();
    },
  };
}

// Failures that happen before a single byte of the request can have reached the gateway.
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN', 'EADDRNOTAVAIL',
  'EPROTO', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'CERT_SIGNATURE_FAILURE', 'HOSTNAME_MISMATCH',
]);
// got's timeout events that end before the request is written.
const BEFORE_SEND_TIMEOUTS = new Set(['lookup', 'connect', 'secureConnect']);

function field(error: unknown, name: string): unknown {
  return error !== null && typeof error === 'object' ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * Classifies a transport error: `unavailable` when it happened before the request was sent (refused,
 * DNS, TLS, connect timeout), `unknown` otherwise (read timeout, reset, hang-up: it may have acted).
 * Anything unrecognised is `unknown`, the answer that can never cause a double effect.
 */
export function classifyTransportError(error: unknown): { outcome: 'unknown' | 'unavailable'; reason: string } {
  const code = String(field(error, 'code') ?? field(field(error, 'cause'), 'code') ?? 'UNKNOWN_ERROR');
  const message = String(field(error, 'message') ?? code);
  const event = field(error, 'event');
  if (code === 'ETIMEDOUT' && typeof event === 'string') {
    if (BEFORE_SEND_TIMEOUTS.has(event)) return { outcome: 'unavailable', reason: `${event} timeout: ${message}` };
    // A whole-request timeout may fire before the socket connected: then nothing was written.
    const timings = field(error, 'timings');
    if (event === 'request' && field(timings, 'connect') === undefined) {
      return { outcome: 'unavailable', reason: `request timeout before connecting: ${message}` };
    }
    return { outcome: 'unknown', reason: `${event} timeout: ${message}` };
  }
  if (BEFORE_SEND_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return { outcome: 'unavailable', reason: `${code}: ${message}` };
  }
  return { outcome: 'unknown', reason: `${code}: ${message}` };
}
