// `holdfast serve [--port <port>]`: the read-only operations page on 127.0.0.1, without sweeping —
// for looking at a database without running a sweeper. Runs until SIGTERM/SIGINT.
import type { Holdfast } from '../../holds/holdfast.js';
import { type OpsServer, startOpsServer } from '../../ops/ops-server.js';

export interface ServeCommandOptions {
  port: number;
  /** Told where the page is once it listens. */
  onStarted?: (server: OpsServer) => void;
  /** Stops serving when aborted (tests); a signal does it otherwise. */
  signal?: AbortSignal;
}

/** Serves the page until a signal (or `signal` aborts), then closes the listener. */
export async function serveCommand(hf: Holdfast, options: ServeCommandOptions): Promise<void> {
  const server = await startOpsServer(hf, { port: options.port });
  options.onStarted?.(server);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      options.signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop);
  });
  await server.close();
}
