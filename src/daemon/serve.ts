// Runs the daemon until SIGTERM or SIGINT: the first signal stops claiming and waits for gateway
// calls in flight (up to the shutdown timeout) and releases what was claimed but not started; a
// second signal exits at once (leases then expire on their own).
import type { Holdfast } from '../holds/holdfast.js';
import { startDaemon, type Daemon, type DaemonOptions } from './daemon.js';
import { engineOf } from '../holds/internals.js';

/** Starts the daemon and resolves once it has shut down after a signal (or `stop` was called). */
export async function serveDaemon(
  hf: Holdfast,
  options: DaemonOptions & { onStarted?: (daemon: Daemon) => void } = {},
): Promise<void> {
  const daemon = await startDaemon(hf, options);
  options.onStarted?.(daemon);
  const logger = engineOf(hf).logger;
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting now; leases will expire on their own');
        process.exit(130);
      }
      stopping = true;
      logger.info({ event: 'shutdown', signal }, 'stopping: no new claims, waiting for calls in flight');
      void daemon.stop().then(resolve, resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await hf.close();
}
