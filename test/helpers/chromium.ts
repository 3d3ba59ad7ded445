// Debian's Chromium, driven by playwright-core without any browser download: `executablePath` is
// $HOLDFAST_CHROMIUM or /usr/bin/chromium, with a fresh profile and no background networking.
// CI sets HOLDFAST_REQUIRE_CHROMIUM=1: there a missing browser fails the run instead of skipping.
import { existsSync } from 'node:fs';
import { chromium, type BrowserContext } from 'playwright-core';
import { tempDir } from './temp-dir.js';

/** Where the browser is expected. */
export const CHROMIUM_PATH = process.env.HOLDFAST_CHROMIUM || '/usr/bin/chromium';

const required = process.env.HOLDFAST_REQUIRE_CHROMIUM === '1';
const present = existsSync(CHROMIUM_PATH);

/** Why the browser suites are skipped, or null when they run (always when Chromium is required). */
export const chromiumSkipReason: string | null =
  present || required ? null : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set HOLDFAST_CHROMIUM)`;

if (chromiumSkipReason) process.stderr.write(`note: browser tests skipped: ${chromiumSkipReason}\n`);

/** The flags besides --headless (which playwright-core adds) and --user-data-dir (a fresh one per launch). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium with a fresh profile; `close` also removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!present) throw new Error(`HOLDFAST_REQUIRE_CHROMIUM=1 but there is no Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set HOLDFAST_CHROMIUM`);
  const profile = tempDir();
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1360, height: 900 },
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      profile.cleanup();
    },
  };
}
