// `holdfast config`: the effective configuration, each value with where it came from. Secrets are
// never printed: a webhook secret or a gateway credential shows as set or not set.
import { HTTP_GATEWAY_PROFILES } from '../../gateways/gateway-registry.js';
import { redactUrl } from '../../../db/redact-url.js';
import { formatDurationExact } from '../../time/format-duration.js';
import { resolveConfig, type SettingSource } from '../../config/resolve-config.js';

/** One line of the effective configuration. */
export interface ConfigLine {
  setting: string;
  value: string;
  source: SettingSource | 'documented';
}

/** The effective configuration as lines (the --json output is the same list). */
export async function configCommand(options: { db?: string | undefined; env?: NodeJS.ProcessEnv }): Promise<{ file: string | null; settings: ConfigLine[] }> {
  const env = options.env ?? process.env;
  const config = await resolveConfig({ env, options: { database: options.db } });
  const settings: ConfigLine[] = [
    { setting: 'database', value: redactUrl(config.database.value), source: config.database.source },
    { setting: 'leadTime', value: formatDurationExact(config.leadTimeMs.value), source: config.leadTimeMs.source },
  ];
  for (const [gateway, windows] of Object.entries(config.policy.windows)) {
    const configured = config.windows.value[gateway] ?? {};
    for (const cardType of ['credit', 'debit'] as const) {
      const source = configured[cardType] === undefined ? 'documented' : config.windows.source;
      settings.push({ setting: `windows.${gateway}.${cardType}`, value: formatDurationExact(windows[cardType]), source });
    }
  }
  settings.push(
    { setting: 'sweep.schedule', value: config.schedule.value, source: config.schedule.source },
    { setting: 'sweep.concurrency', value: String(config.concurrency.value), source: config.concurrency.source },
    { setting: 'webhook.url', value: config.webhookUrl.value ?? 'off', source: config.webhookUrl.source },
    { setting: 'webhook.secret', value: config.webhookSecretSet.value ? 'set' : 'not set', source: config.webhookSecretSet.source },
    { setting: 'webhook.expiringSoon', value: formatDurationExact(config.expiringSoonMs.value), source: config.expiringSoonMs.source },
    { setting: 'webhook.retention', value: formatDurationExact(config.webhookRetentionMs.value), source: config.webhookRetentionMs.source },
  );
  // Which gateways the environment enables, by whether their credentials are set (never their values).
  for (const profile of HTTP_GATEWAY_PROFILES) {
    const required = Object.values(profile.env).filter((v) => v.required);
    const set = required.filter((v) => (env[v.name] ?? '').trim() !== '');
    const enabled = required.length > 0 && set.length === required.length;
    settings.push({ setting: `gateway.${profile.name}`, value: enabled ? 'enabled' : 'off', source: enabled ? `env ${set.map((v) => v.name).join(', ')}` : 'default' });
  }
  if (env.HOLDFAST_FAKE_GATEWAY === '1') settings.push({ setting: 'gateway.fake', value: 'enabled', source: 'env HOLDFAST_FAKE_GATEWAY' });
  return { file: config.file, settings };
}
