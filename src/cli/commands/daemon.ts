// `holdfast daemon [--schedule <cron>] [--metrics-port <port>]`: the sweeper daemon until a signal.
import type { Holdfast } from '../../holds/holdfast.js';
import { serveDaemon } from '../../daemon/serve.js';
import type { Daemon } from '../../daemon/daemon.js';
import { ConfigError } from '../../errors.js';

export interface DaemonCommandOptions {
  schedule?: string;
  metricsPort?: number;
  concurrency?: number;
  webhookUrl?: string | null;
  webhookSecret?: string | undefined;
  expiringSoonMs?: number;
  /** Delivered webhook events older than this are deleted (config webhook.retention). */
  webhookRetentionMs?: number;
  onStarted?: (daemon: Daemon) => void;
}

/** Runs the daemon until SIGTERM/SIGINT; webhooks need both a URL and a secret. */
export async function daemonCommand(hf: Holdfast, options: DaemonCommandOptions): Promise<void> {
  if (options.webhookUrl && !options.webhookSecret) {
    throw new ConfigError('a webhook URL is configured but HOLDFAST_WEBHOOK_SECRET is not set: events must be signed');
  }
  await serveDaemon(hf, {
    ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
    ...(options.metricsPort === undefined ? {} : { metricsPort: options.metricsPort }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.webhookRetentionMs === undefined ? {} : { webhookRetentionMs: options.webhookRetentionMs }),
    ...(options.webhookUrl && options.webhookSecret
      ? { webhook: { url: options.webhookUrl, secret: options.webhookSecret, ...(options.expiringSoonMs === undefined ? {} : { expiringSoonMs: options.expiringSoonMs }) } }
      : {}),
    ...(options.onStarted ? { onStarted: options.onStarted } : {}),
  });
}
