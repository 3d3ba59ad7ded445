// Small node:http helpers for the simulator: bounded body reading, JSON replies, loop turns.
import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_BODY_BYTES = 1_048_576;

/** Reads a request body as UTF-8 text, refusing more than 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a raw body with a status; an empty body is sent without a content type. */
export function sendText(res: ServerResponse, status: number, body: string, extraHeaders: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const headers: Record<string, string> = { ...extraHeaders };
  if (body !== '') headers['content-type'] = 'application/json; charset=utf-8';
  res.writeHead(status, headers);
  res.end(body);
}

/** Sends a JSON value with a status (undefined → empty body). */
export function sendJson(res: ServerResponse, status: number, value: unknown, extraHeaders: Record<string, string> = {}): void {
  sendText(res, status, value === undefined ? '' : JSON.stringify(value), extraHeaders);
}

/** Parses JSON text, or returns undefined when it is empty or malformed. */
export function tryParseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Event-loop turns to let pass after the simulator destroys connections: a client needs one turn to
 * read each FIN and one to close the socket before its pool stops offering it; without that, the
 * next request reuses the dead socket and gets ECONNRESET, not ECONNREFUSED.
 */
export const SETTLE_TURNS = 4;

/** Runs the event loop `turns` times (see SETTLE_TURNS for why). */
export async function loopTurns(turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
