// `holdfast serve`: the command function serves until stopped; through the real bin it prints where
// the page is, serves it, exits 0 on SIGTERM, and refuses a busy port with one clear line and exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from '../helpers/run-cli.js';
import { ROOT } from '../helpers/processes.js';
import { openHoldfast } from '../../src/holds/holdfast.js';
import { FakeGateway } from '../../src/gateways/fake/index.js';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { PortUnavailableError } from '../../src/errors.js';
import { openHarness, tempDir } from '../helpers/harness.js';

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('holdfast serve', () => {
  it('serveCommand serves the page until stopped, and says so clearly when the port is taken', async () => {
    const h = await openHarness();
    const blocker = createServer();
    try {
      const controller = new AbortController();
      let url = '';
      const serving = serveCommand(h.hf, { port: 0, signal: controller.signal, onStarted: (s) => (url = s.url) });
      await expect.poll(() => url).not.toBe('');
      expect((await fetch(url)).status).toBe(200);
      controller.abort();
      await serving;
      await expect(fetch(url)).rejects.toThrow();

      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      const error = await serveCommand(h.hf, { port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortUnavailableError);
      expect((error as PortUnavailableError).code).toBe('PORT_UNAVAILABLE');
      expect((error as Error).message).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect((error as Error).message).toContain('--port 0');
    } finally {
      blocker.close();
      await h.close();
    }
  });

  it('prints the page URL, serves the page read-only and exits 0 on SIGTERM', async () => {
    const db = join(dir, 'serve.db');
    const hf = await openHoldfast({ database: db, gateways: [new FakeGateway()] });
    await hf.track({ gateway: 'fake', gatewayRef: 'ref-s', amount: 500, currency: 'PEN', authorizedAt: Date.now(), orderId: 'order-serve' });
    await hf.close();
    const child = spawn(process.execPath, ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'src/cli/main.ts'), '--db', db, 'serve', '--port', '0'], { cwd: dir });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /operations page \(read-only\): (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(`serve exited before listening: ${stdout}`)));
    });
    const list = await fetch(`${url}holds?q=order-serve`);
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('5.00 PEN');
    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a port in use with one line naming --port, exit 2', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      expect((await runCli(['--db', join(dir, 'busy.db'), 'migrate'], { cwd: dir })).code).toBe(0);
      const result = await runCli(['--db', join(dir, 'busy.db'), 'serve', '--port', String(port)], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`holdfast: port ${port} on 127.0.0.1 is already in use (another holdfast serve or daemon?): choose another with --port <port>, or --port 0 for any free port\n`);
    } finally {
      blocker.close();
    }
  });
});
