// `holdfast serve`'s listener: the operations page alone on 127.0.0.1, no sweeping.
import { createServer } from 'node:http';
import type { Holdfast } from '../holds/holdfast.js';
import { engineOf } from '../holds/internals.js';
import { opsPage } from './ops-page.js';
import { listen, LOOPBACK } from './listen-loopback.js';

/** The port `holdfast serve` listens on unless told otherwise. */
export const DEFAULT_OPS_PORT = 9465;

/** A running page server. */
export interface OpsServer {
  /** Where the page is, e.g. http://127.0.0.1:9465/. */
  url: string;
  close(): Promise<void>;
}

/** Serves the operations page on 127.0.0.1:`port` (0: any free port) until closed. */
export async function startOpsServer(hf: Holdfast, options: { port: number; option?: string }): Promise<OpsServer> {
  const handle = opsPage(hf);
  const logger = engineOf(hf).logger;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ event: 'ops_page_failed', err: error instanceof Error ? error.message : String(error) }, 'operations page failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  const port = await listen(server, { port: options.port, option: options.option ?? '--port' });
  return {
    url: `http://${LOOPBACK}:${port}/`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
