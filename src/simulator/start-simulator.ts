// A loopback HTTP server speaking Kushki's and PayCertify's wire formats with stateful semantics,
// Idempotency-Key replay, latency and fault injection. Used by the adapter tests, `holdfast demo`
// and benchmarks; a child process can drive it through the /__sim/ control routes, which are also
// served on a second listener (`controlUrl`) that stays up while the gateway port is down.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '../clock.js';
import { CardRegistry } from './card-registry.js';
import { handleControl } from './control-routes.js';
import { resolveExpiryWindows, type SimExpiryWindowOverrides } from './expiry-windows.js';
import { alreadyDoneReply, keyReusedReply, rateLimitedReply, type RawReply, serverErrorReply } from './fault-replies.js';
import { BEFORE_COMMIT_KINDS, FaultPlan } from './fault-plan.js';
import { loopTurns, readBody, SETTLE_TURNS, sendJson, sendText, tryParseJson } from './http-io.js';
import { IdempotencyStore } from './idempotency-store.js';
import { kushkiAuthorize, kushkiCapture, kushkiReauthorize, kushkiVoid } from './kushki-routes.js';
import { paycertifyAuth, paycertifyCapture, paycertifyVoid } from './paycertify-routes.js';
import { requestFacts } from './request-facts.js';
import { RequestLog, type SimRequestLogEntry } from './request-log.js';
import { TicketSequence, UuidSequence } from './sim-ids.js';
import { type SimAuthorizationSummary, type SimGateway, SimLedger, type SimLedgerSnapshot, type SimOperation } from './sim-ledger.js';
import type { SimIdempotency, SimLedgerMode, SimReply, SimRequest, SimSettings, SimState } from './sim-state.js';

export type { SimRequestLogEntry, SimRequestHandling } from './request-log.js';
export type { SimIdempotency, SimLedgerMode } from './sim-state.js';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator is never meant to be reachable from elsewhere. */
  host?: string;
  /** Port of the control-only listener (default 0: any free port). */
  controlPort?: number;
  /** Added before every gateway request is processed. */
  latencyMs?: number;
  /** Time for ledger entries, the request log, expiry and gateway timestamps. */
  clock?: Clock;
  kushkiPrivateMerchantId?: string;
  paycertifyApiToken?: string;
  strictSubscriptions?: boolean;
  kushkiVoidNoContent?: boolean;
  kushkiCreatedUnit?: 'ms' | 's';
  paycertifyOvercaptureBps?: number;
  /** strict (default): OneClick rules refuse a second capture etc. permissive: every executed capture and void takes effect. */
  ledgerMode?: SimLedgerMode;
  /** honoured (default): a 2xx is replayed for its Idempotency-Key. ignored: a resend executes again. */
  idempotency?: SimIdempotency;
  /** Authorization windows in ms, over the documented ones (Kushki debit 7 d, credit 28 d, unknown 7 d; PayCertify 7 d). */
  expiryWindows?: SimExpiryWindowOverrides;
}

/** The ledger, per-authorization totals and the request log at one moment, JSON-safe. */
export interface SimSnapshot extends SimLedgerSnapshot {
  /** The simulator clock when the snapshot was taken. */
  at: number;
  ledgerMode: SimLedgerMode;
  idempotency: SimIdempotency;
  summaries: SimAuthorizationSummary[];
  requests: SimRequestLogEntry[];
}

/** A running simulator. */
export interface Simulator {
  url: string;
  port: number;
  /** The control-only listener: /__sim/ routes, reachable while the gateway port is down. */
  controlUrl: string;
  ledger: SimLedger;
  faults: FaultPlan;
  cards: CardRegistry;
  /** Gateway requests received, oldest first. */
  requests(): SimRequestLogEntry[];
  /** Ledger, per-authorization summaries and request log together. */
  snapshot(): SimSnapshot;
  setLatency(ms: number): void;
  /**
   * true: stop listening on the gateway port and destroy every connection (keep-alive ones too), so
   * the next request gets ECONNREFUSED. false: listen again on the same host and port.
   */
  setDown(down: boolean): Promise<void>;
  /** True while the gateway port is not listening. */
  isDown(): boolean;
  /** Forgets ledger, stored idempotent responses, faults and the request log (registrations and up/down stay). */
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
  { gateway: 'kushki', operation: 'reauthorize', method: 'POST', pattern: /^\/card\/v1\/reauthorization$/, handler: kushkiReauthorize },
  { gateway: 'kushki', operation: 'void', method: 'DELETE', pattern: /^\/v1\/charges\/(?<ticketNumber>[^/]+)$/, handler: kushkiVoid },
  { gateway: 'paycertify', operation: 'authorize', method: 'POST', pattern: /^\/api\/transactions\/auth$/, handler: paycertifyAuth },
  { gateway: 'paycertify', operation: 'capture', method: 'POST', pattern: /^\/api\/transactions\/(?<id>[^/]+)\/capture$/, handler: paycertifyCapture },
  { gateway: 'paycertify', operation: 'void', method: 'POST', pattern: /^\/api\/transactions\/(?<id>[^/]+)\/void$/, handler: paycertifyVoid },
];

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function urlOf(server: Server): { url: string; port: number } {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, port: address.port };
}

// Stops listening and destroys every connection; resolves once the listener is gone.
function stopListening(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
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
    ledgerMode: options.ledgerMode ?? 'strict',
    idempotency: options.idempotency ?? 'honoured',
    expiryWindows: resolveExpiryWindows(options.expiryWindows),
  };
  if (settings.ledgerMode !== 'strict' && settings.ledgerMode !== 'permissive') throw new Error(`ledgerMode must be strict or permissive, got ${String(settings.ledgerMode)}`);
  if (settings.idempotency !== 'honoured' && settings.idempotency !== 'ignored') throw new Error(`idempotency must be honoured or ignored, got ${String(settings.idempotency)}`);
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
  const log = new RequestLog();
  const waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let latencyMs = options.latencyMs ?? 0;
  // Bumped each time the gateway port goes down: a request that arrived in an earlier epoch and is
  // still waiting for its latency is dropped before it can commit.
  let downEpoch = 0;
  let down = false;
  let availability: Promise<void> = Promise.resolve();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const w = {
        resolve,
        timer: setTimeout(() => {
          waits.delete(w);
          resolve();
        }, ms),
      };
      waits.add(w);
    });
  // Going down ends every wait at once: a request still in its latency wait sees the new epoch and
  // is dropped; a slow response finds its socket destroyed and sends nothing.
  const endWaits = () => {
    for (const w of waits) {
      clearTimeout(w.timer);
      w.resolve();
    }
    waits.clear();
  };

  const reset = () => {
    state.ledger.reset();
    state.cardOf.clear();
    state.paycertifyEvents.clear();
    state.paycertifyTransactions.clear();
    idempotency.reset();
    faults.clear();
    log.reset();
  };

  const send = (res: ServerResponse, entry: SimRequestLogEntry, reply: RawReply) => {
    entry.status = reply.status;
    sendText(res, reply.status, reply.body, reply.headers);
  };

  async function handleGateway(route: Route, match: RegExpExecArray, req: IncomingMessage, res: ServerResponse, bodyText: string): Promise<void> {
    const keyHeader = req.headers['idempotency-key'];
    const idempotencyKey = typeof keyHeader === 'string' && keyHeader !== '' ? keyHeader : null;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const params = { ...(match.groups ?? {}) };
    const at = state.clock.now();
    const facts = requestFacts(route.gateway, route.operation, params, bodyText, state.ledger);
    const target = facts.authorizationRef === null ? undefined : state.ledger.authorization(facts.authorizationRef);
    const entry = log.append({
      at,
      gateway: route.gateway,
      operation: route.operation,
      method: route.method,
      path,
      idempotencyKey,
      ...facts,
      handling: 'executed',
      fault: null,
      executed: false,
      effectSeq: null,
      status: null,
      afterExpiry: target !== undefined && target.expiresAt <= at,
    });
    const epoch = downEpoch;
    await wait(latencyMs);
    if (epoch !== downEpoch) {
      entry.handling = 'dropped';
      return;
    }
    let fault = faults.take(route.gateway, route.operation, facts.authorizationRef);
    if (fault?.kind === 'already-done' && fault.onlyIfTrue) {
      const now = facts.authorizationRef === null ? undefined : state.ledger.authorization(facts.authorizationRef);
      if ((route.operation === 'void' ? now?.voids.length : now?.captures.length) === 0 || now === undefined) fault = undefined;
    }
    if (fault) {
      entry.handling = fault.kind;
      entry.fault = fault.kind;
    }

    if (fault && BEFORE_COMMIT_KINDS.has(fault.kind)) {
      switch (fault.kind) {
        case 'rate-limited':
          return send(res, entry, rateLimitedReply(route.gateway));
        case 'error-before-commit':
          return send(res, entry, serverErrorReply(route.gateway, fault.status ?? 503));
        case 'key-reused':
          return send(res, entry, keyReusedReply(route.gateway));
        case 'already-done':
          // take() never hands this fault to an authorization.
          return send(res, entry, alreadyDoneReply(route.gateway, route.operation === 'void' ? 'void' : 'capture'));
        case 'reset-before-commit':
          req.socket.destroy();
          return;
        default: // hang-before-commit: never answer; close() or setDown(true) tears the socket down
          return;
      }
    }

    let reply: { status: number; body: string };
    const honoured = idempotencyKey !== null && settings.idempotency === 'honoured';
    const replay = honoured ? idempotency.lookup(idempotencyKey, route.method, path, bodyText) : { kind: 'new' as const };
    if (replay.kind === 'replay') {
      if (!fault) entry.handling = 'replayed';
      reply = replay.response;
    } else if (replay.kind === 'mismatch') {
      // Requests are handled one at a time after the latency wait, so a concurrent duplicate finds
      // the first one's stored response: there is no "in flight" state to report.
      entry.handling = 'key-reused';
      return send(res, entry, keyReusedReply(route.gateway));
    } else {
      const before = state.ledger.lastSeq();
      const out = route.handler({ method: route.method, path, params, headers: req.headers, json: tryParseJson(bodyText), idempotencyKey }, state);
      entry.executed = true;
      if (state.ledger.lastSeq() > before) entry.effectSeq = state.ledger.lastSeq();
      reply = { status: out.status, body: out.body === undefined ? '' : JSON.stringify(out.body) };
      if (honoured) idempotency.store(idempotencyKey, route.method, path, bodyText, reply);
    }

    // Committed (or replayed). What the client gets now depends on the after-commit fault, if any.
    entry.status = reply.status;
    switch (fault?.kind) {
      case undefined:
        return sendText(res, reply.status, reply.body);
      case 'error-after-commit':
        return send(res, entry, serverErrorReply(route.gateway, fault.status ?? 500));
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

  const snapshot = (): SimSnapshot => ({
    ...state.ledger.snapshot(),
    at: state.clock.now(),
    ledgerMode: settings.ledgerMode,
    idempotency: settings.idempotency,
    summaries: state.ledger.summaries(),
    requests: log.list(),
  });

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const bodyText = await readBody(req);
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (path.startsWith('/__sim/')) return await handleControl(req.method ?? 'GET', path, bodyText, res, control, 'gateway');
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

  // Serves only /__sim/: the way back up when the gateway port is down.
  const controlServer = createServer((req, res) => {
    void (async () => {
      try {
        const bodyText = await readBody(req);
        const path = (req.url ?? '/').split('?')[0] ?? '/';
        if (path.startsWith('/__sim/')) return await handleControl(req.method ?? 'GET', path, bodyText, res, control, 'control');
        return sendJson(res, 404, { message: `the control listener serves /__sim/ only, not ${path}` });
      } catch (error) {
        return sendJson(res, 500, { message: `simulator error: ${error instanceof Error ? error.message : String(error)}` });
      }
    })();
  });

  const host = options.host ?? '127.0.0.1';
  await listen(server, options.port ?? 0, host);
  const gateway = urlOf(server);
  try {
    await listen(controlServer, options.controlPort ?? 0, host);
  } catch (error) {
    await stopListening(server);
    throw error;
  }
  const controlUrl = urlOf(controlServer).url;

  // Serialised, so that down/up/down in quick succession leaves the port in the last state asked for.
  const setDown = (value: boolean): Promise<void> => {
    const next = availability.then(async () => {
      if (value === down) return;
      if (value) {
        down = true;
        downEpoch += 1;
        const stopped = stopListening(server);
        endWaits();
        await stopped;
        // A client in this process must see the FIN on its pooled keep-alive socket before it sends
        // again. Two turns sufficed in 200 of 200 runs; four leave a margin. simulatorClient does
        // the same in the caller's process. A client in a third process that sends at that very
        // moment can still get ECONNRESET, as it would from a real gateway going away.
        await loopTurns(SETTLE_TURNS);
      } else {
        await listen(server, gateway.port, host);
        down = false;
      }
    });
    availability = next.catch(() => undefined);
    return next;
  };

  const control = {
    ledger: state.ledger,
    faults,
    cards: state.cards,
    requests: () => log.list(),
    snapshot,
    setLatency: (ms: number) => {
      latencyMs = ms;
    },
    setDown,
    status: () => ({ down, url: gateway.url, controlUrl }),
    reset,
  };

  return {
    url: gateway.url,
    port: gateway.port,
    controlUrl,
    ledger: state.ledger,
    faults,
    cards: state.cards,
    requests: () => log.list(),
    snapshot,
    setLatency: control.setLatency,
    setDown,
    isDown: () => down,
    reset,
    close: async () => {
      // Pending waits are cancelled, not ended: a request mid-latency never executes after close().
      for (const w of waits) clearTimeout(w.timer);
      waits.clear();
      await availability;
      await Promise.all([stopListening(server), stopListening(controlServer)]);
    },
  };
}
