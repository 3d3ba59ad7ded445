// Binding a listener on a loopback port, with a clear error for a port that is busy or forbidden.
import type { Server } from 'node:http';
import { once } from 'node:events';
import { PortUnavailableError } from '../errors.js';

/** The loopback address every holdfast listener binds by default. */
export const LOOPBACK = '127.0.0.1';

/** True for a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return /^127(\.\d{1,3}){3}$/.test(host) || host === '::1' || host === '[::1]' || host === 'localhost';
}

/**
 * Starts `server` on `host:port` (0: any free port) and returns the port it got. A port in use or
 * not permitted is a PortUnavailableError naming `option`, the flag that sets the port.
 */
export async function listen(server: Server, options: { port: number; host?: string; option: string }): Promise<number> {
  const host = options.host ?? LOOPBACK;
  server.listen(options.port, host);
  try {
    await once(server, 'listening');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new PortUnavailableError(host, options.port, options.option, 'in use');
    if (code === 'EACCES') throw new PortUnavailableError(host, options.port, options.option, 'not permitted');
    throw error;
  }
  const address = server.address();
  return address !== null && typeof address === 'object' ? address.port : options.port;
}
