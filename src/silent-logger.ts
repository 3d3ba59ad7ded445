// The logger that drops everything: the library's default (it logs nothing unless given a logger)
// and the CLI's when HOLDFAST_LOG_LEVEL is unset. Made without pino, so that a command that logs
// nothing does not load it (~27 ms of start-up). holdfast calls only error/warn/info/debug on a
// logger; the rest of pino's surface is there for a caller that hands the logger on.
import type { Logger } from 'pino';

const drop = (): void => undefined;

/** A pino-shaped logger at level `silent`. */
export function silentLogger(): Logger {
  const logger = {
    level: 'silent',
    fatal: drop,
    error: drop,
    warn: drop,
    info: drop,
    debug: drop,
    trace: drop,
    silent: drop,
    isLevelEnabled: () => false,
    bindings: () => ({}),
    flush: drop,
    child: () => logger,
  };
  return logger as unknown as Logger;
}
