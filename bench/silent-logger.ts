// The API's own logs are not what the benchmarks measure: a pino logger that drops everything.
import pino, { type Logger } from 'pino';

let logger: Logger | undefined;

/** A shared pino logger at level silent. */
export function silentLogger(): Logger {
  return (logger ??= pino({ level: 'silent' }));
}
