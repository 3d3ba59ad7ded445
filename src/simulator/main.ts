// CLI entry: starts the gateway simulator and prints its URL as the first line of stdout, so that a
// parent process (crash tests, `holdfast demo`) can read it. Stops on SIGINT/SIGTERM.
//   node --import tsx src/simulator/main.ts --port 0 --latency 20
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startSimulator } from './start-simulator.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

/** Parses argv, starts the simulator and keeps it running until a signal arrives. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('holdfast-simulator')
    .description('Loopback simulator of the Kushki and PayCertify gateways')
    .option('--port <port>', 'port to listen on (0 = any free port)', integer, 0)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--latency <ms>', 'latency added to every gateway request', integer, 0)
    .option('--kushki-merchant-id <id>', 'the only Private-Merchant-Id accepted (default: any)')
    .option('--paycertify-token <token>', 'the only bearer token accepted (default: any)')
    .option('--strict-subscriptions', 'refuse unregistered Kushki subscriptions with K012', false)
    .option('--control-port <port>', 'port of the control-only listener (0 = any free port; GET /__sim/health on the gateway URL names it)', integer, 0)
    .addOption(new Option('--ledger-mode <mode>', 'strict: OneClick rules; permissive: every executed capture and void takes effect').choices(['strict', 'permissive']).default('strict'))
    .addOption(new Option('--idempotency <mode>', 'honoured: replay per Idempotency-Key; ignored: every request executes').choices(['honoured', 'ignored']).default('honoured'))
    .parse(argv);
  const opts = program.opts<{
    port: number;
    host: string;
    latency: number;
    kushkiMerchantId?: string;
    paycertifyToken?: string;
    strictSubscriptions: boolean;
    controlPort: number;
    ledgerMode: 'strict' | 'permissive';
    idempotency: 'honoured' | 'ignored';
  }>();
  const sim = await startSimulator({
    port: opts.port,
    host: opts.host,
    controlPort: opts.controlPort,
    latencyMs: opts.latency,
    strictSubscriptions: opts.strictSubscriptions,
    ledgerMode: opts.ledgerMode,
    idempotency: opts.idempotency,
    ...(opts.kushkiMerchantId === undefined ? {} : { kushkiPrivateMerchantId: opts.kushkiMerchantId }),
    ...(opts.paycertifyToken === undefined ? {} : { paycertifyApiToken: opts.paycertifyToken }),
  });
  process.stdout.write(`${sim.url}\n`);
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Only when run as a program, not when imported (by a test calling main directly).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv).catch((error: unknown) => {
    process.stderr.write(`holdfast-simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
