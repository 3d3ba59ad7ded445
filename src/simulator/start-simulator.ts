// A loopback HTTP server speaking Kushki's and PayCertify's wire formats with stateful semantics,
// Idempotency-Key replay, latency and fault injection. Used by the adapter tests, `holdfast demo`
// and benchmarks; a child process can drive it through the /__sim/ control routes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../clock.js';
import { CardRegistry } from './card-registry.js';
import { handleControl } from './control-routes.js';
import type { FaultSpec } from './fault-plan.js';
import { FaultPlan } from './fault-plan.js';
import { readBody, sendJson, sendText, tryParseJson } from './http-io.js';
import { IdempotencyStore } from './idempotency-store.js';
import { kushkiAuthorize, kushkiCapture, kushkiVoid } from './kushki-routes.js';
import { paycertifyAuth, paycertifyCapture, paycertifyVoid } from './paycertify-routes.js';
import { TicketSequence, UuidSequence } from './sim-ids.js';
import { type SimGateway, SimLedger, type SimOperation } from './sim-ledger.js';
import type { SimReply, SimRequest, SimSettings, SimState } from './sim-state.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator is never meant to be reachable from elsewhere. */
  host?: string;
  /** Added before every gateway request is processed. */
  latencyMs?: number;
  /** Time for ledger entries and gateway timestamps. */
  clock?: Clock;
  kushkiPrivateMerchantId?: string;
  paycertifyApiToken?: string;
  strictSubscriptions?: boolean;
  kushkiVoidNoContent?: boolean;
  kushkiCreatedUnit?: 'ms' | 's';
  paycertifyOvercaptureBps?: number;
}

/** One gateway request as the simulator saw it (no bodies: they may hold card data). */
export interface SimRequestLogEntry {
  gateway: SimGateway;
  operation: SimOperation;
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** executed, replayed (stored 2xx sent again), or the fault that was injected. */
  handling: 'executed' | 'replayed' | 'key-reused' | FaultSpec['kind'];
  status: number | null;
}

/** A running simulator. */
export interface Simulator {
  url: string;
  port: number;
  ledger: SimLedger;
  faults: FaultPlan;
  cards: CardRegistry;
  /** Gateway requests received, oldest first. */
  requests(): SimRequestLogEntry[];
  setLatency(ms: number): void;
  /** Forgets ledger, stored idempotent responses, faults and the request log (registrations stay). */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  gateway: SimGateway;
  operation: SimOperation;
  method: string;
  pattern: RegExp;
  handler: (req: SimRequest, state: SimState) => SimReply;
}

const ROUTES: Route[] = [
  { gateway: 'kushki', operation: 'authorize', method: 'POST', pattern: /^\/subscriptions\/v1\/card\/(?<subscriptionId>[^/]+)\/authorize$/, handler: kushkiAuthorize },
  { gateway: 'kushki', operation: 'capture', method: 'POST', pattern: /^\/subscriptions\/v1\/card\/(?<subscriptionId>[^/]+)\/capture$/, handler: kushkiCapture },
  { gateway: 'kushki', operation: 'void', method: 'DELETE', pattern: /^\/v1\/charges\/(?<ticketNumber>[^/]+)$/, handler: kushkiVoid },
  { gateway: 'paycertify', operation: 'authorize', method: 'POST', pattern: /^\/api\/transactions\/auth$/, handler: paycertifyAuth },
  { gateway: 'paycertify', operation: 'capture', method: 'POST', pattern: /^\/api\/transactions\/(?<id>[^/]+)\/capture$/, handler: paycertifyCapture },
  { gateway: 'paycertify', operation: 'void', method: 'POST', pattern: /^\/api\/transactions\/(?<id>[^/]+)\/void$/, handler: paycertifyVoid },
];

const BEFORE_COMMIT = new Set<FaultSpec['kind']>(['error-before-commit', 'hang-before-commit', 'reset-before-commit', 'rate-limited']);

function serverError(gateway: SimGateway, status: number): string {
  return JSON.stringify(
    gateway === 'kushki' ? { code: 'K002', message: 'Ha ocurrido un error inesperado' } : { error: { status, message: 'Internal Server Error' } },
  );
}

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const settings: SimSettings = {
    kushkiPrivateMerchantId: options.kushkiPrivateMerchantId ?? null,
    paycertifyApiToken: options.paycertifyApiToken ?? null,
    strictSubscriptions: options.strictSubscriptions ?? false,
    kushkiVoidNoContent: options.kushkiVoidNoContent ?? false,
    kushkiCreatedUnit: options.kushkiCreatedUnit ?? 'ms',
    kushkiOvercaptureBps: 1000,
    paycertifyOvercaptureBps: options.paycertifyOvercaptureBps ?? 0,
  };
  const state: SimState = {
    clock: options.clock ?? systemClock,
    ledger: new SimLedger(),
    cards: new CardRegistry(),
    tickets: new TicketSequence(),
    uuids: new UuidSequence('5eed0000'),
    settings,
    cardOf: new Map(),
    paycertifyEvents: new Map(),
    paycertifyTransactions: new Map(),
  };
  const faults = new FaultPlan();
  const idempotency = new IdempotencyStore();
  const log: SimRequestLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = options.latencyMs ?? 0;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const reset = () => {
    state.ledger.reset();
    state.cardOf.clear();
    state.paycertifyEvents.clear();
    state.paycertifyTransactions.clear();
    idempotency.reset();
    faults.clear();
    log.length = 0;
  };

  async function handleGateway(route: Route, match: RegExpExecArray, req: IncomingMessage, res: ServerResponse, bodyText: string): Promise<void> {
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : null;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const entry: SimRequestLogEntry = { gateway: route.gateway, operation: route.operation, method: route.method, path, idempotencyKey, handling: 'executed', status: null };
    log.push(entry);
    await wait(latencyMs);
    const fault = faults.take(route.gateway, route.operation);
    if (fault) entry.handling = fault.kind;

    if (fault && BEFORE_COMMIT.has(fault.kind)) {
      switch (fault.kind) {
        case 'rate-limited':
          entry.status = 429;
          return sendText(res, 429, route.gateway === 'kushki' ? JSON.stringify({ message: 'Too Many Requests' }) : JSON.stringify({ error: { status: 429, message: 'Too Many Requests' } }), { 'retry-after': '1' });
        case 'error-before-commit':
          entry.status = fault.status ?? 503;
          return sendText(res, entry.status, serverError(route.gateway, entry.status));
        case 'reset-before-commit':
          req.socket.destroy();
          return;
        default: // hang-before-commit: never answer; close() tears the socket down
          return;
      }
    }

    let reply: { status: number; body: string };
    const replay = idempotencyKey === null ? { kind: 'new' as const } : idempotency.lookup(idempotencyKey, route.method, path, bodyText);
    if (replay.kind === 'replay') {
      if (!fault) entry.handling = 'replayed';
      reply = replay.response;
    } else if (replay.kind === 'mismatch') {
      // Requests are handled one at a time after the latency wait, so a concurrent duplicate finds
      // the first one's stored response: there is no "in flight" state to report.
      entry.handling = 'key-reused';
      entry.status = 422;
      const message = 'Idempotency-Key reused with a different request';
      return sendText(res, entry.status, route.gateway === 'kushki' ? JSON.stringify({ code: 'K001', message }) : JSON.stringify({ error: { status: entry.status, message } }));
    } else {
      const json = tryParseJson(bodyText);
      const out = route.handler(
        { method: route.method, path, params: { ...(match.groups ?? {}) }, headers: req.headers, json, idempotencyKey },
        state,
      );
      reply = { status: out.status, body: out.body === undefined ? '' : JSON.stringify(out.body) };
      if (idempotencyKey !== null) idempotency.store(idempotencyKey, route.method, path, bodyText, reply);
    }

    // Committed (or replayed). What the client gets now depends on the after-commit fault, if any.
    entry.status = reply.status;
    switch (fault?.kind) {
      case undefined:
        return sendText(res, reply.status, reply.body);
      case 'error-after-commit':
        entry.status = fault.status ?? 500;
        return sendText(res, entry.status, serverError(route.gateway, entry.status));
      case 'hang-after-commit':
        entry.status = null;
        return;
      case 'reset-after-commit':
        entry.status = null;
        req.socket.destroy();
        return;
      case 'malformed-json':
        return sendText(res, reply.status, reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) || '{');
      case 'slow-response':
        await wait(fault.delayMs ?? 1000);
        return sendText(res, reply.status, reply.body);
      case 'numeric-ticket':
        return sendText(res, reply.status, reply.body.replace(/"ticketNumber":"(\d+)"/g, '"ticketNumber":$1'));
      default:
        return sendText(res, reply.status, reply.body);
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const bodyText = await readBody(req);
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (path.startsWith('/__sim/')) {
          return handleControl(req.method ?? 'GET', path, bodyText, res, { ledger: state.ledger, faults, cards: state.cards, requests: () => log.map((e) => ({ ...e })), setLatency: (ms) => (latencyMs = ms), reset });
        }
        for (const route of ROUTES) {
          const match = route.method === req.method ? route.pattern.exec(path) : null;
          if (match) return await handleGateway(route, match, req, res, bodyText);
        }
        return sendJson(res, 404, { message: `no simulated endpoint ${req.method ?? ''} ${path}` });
      } catch (error) {
        return sendJson(res, 500, { message: `simulator error: ${error instanceof Error ? error.message : String(error)}` });
      }
    })();
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    ledger: state.ledger,
    faults,
    cards: state.cards,
    requests: () => log.map((e) => ({ ...e })),
    setLatency: (ms: number) => {
      latencyMs = ms;
    },
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
