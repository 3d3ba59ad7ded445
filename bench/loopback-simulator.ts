// The gateway simulator in its own process (the built dist/src/simulator/main.js), as a remote
// gateway would be: its HTTP handling does not compete with the sweeper's event loop.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A running simulator child: its URL and how to stop it. */
export interface SimulatorProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts the simulator on a free loopback port with `latencyMs` added to every gateway request. */
export async function startSimulatorProcess(latencyMs: number): Promise<SimulatorProcess> {
  const main = resolve(import.meta.dirname, '../dist/src/simulator/main.js');
  const child: ChildProcess = spawn(process.execPath, [main, '--port', '0', '--latency', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((ok, fail) => {
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`simulator exited with ${code} (run npm run build first)`)));
    createInterface({ input: child.stdout! }).once('line', ok);
  });
  return {
    url,
    stop: () =>
      new Promise<void>((done) => {
        child.removeAllListeners('exit');
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
