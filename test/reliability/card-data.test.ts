// Card data after PayCertify runs at volume (the approach of test/holds/card-data.test.ts, scaled
// up, with faults and sweeps): the database, its -wal file, the logs and the exchange records hold
// no Luhn-valid card number, none of the CVVs used, and no credential.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startSimulator } from '../../src/simulator/index.js';
import { openHoldfast } from '../../src/holds/holdfast.js';
import { createPayCertifyGateway } from '../../src/gateways/paycertify/index.js';
import { findLeaks, redactLogRecord } from '../../src/gateways/redact.js';
import { ManualClock } from '../../src/clock.js';
import { DAY_MS } from '../../src/policy/expiry-policy.js';
import type { CardInput } from '../../src/gateways/types.js';
import { tempDir } from '../helpers/harness.js';
import { recordResult, stopwatch } from './results.js';
import { sized, timeoutMs } from './scale.js';

const TOKEN = 'pc-reliability-token-5f0c2e';
const dir = tempDir();
const elapsed = stopwatch();
afterAll(() => dir.cleanup());

/** A Luhn-valid 16-digit number from a 15-digit body. */
function luhn(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

describe('card data at rest after PayCertify runs', () => {
  it('no card number, CVV or credential in the database, -wal, logs or exchange records', async () => {
    const count = sized(40, 400);
    const clock = new ManualClock(Date.now());
    const sim = await startSimulator({ paycertifyApiToken: TOKEN, clock });
    const logs: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (logs.push(chunk.toString()), done()) });
    const logger = pino({ level: 'debug', formatters: { log: redactLogRecord } }, sink);
    const database = join(dir.dir, 'cards.db');
    const hf = await openHoldfast({
      database, clock, logger,
      gateways: [createPayCertifyGateway({ baseUrl: sim.url, apiToken: TOKEN, clock, logger, timeouts: { responseMs: 300, requestMs: 1_000 } })],
    });
    const cards: CardInput[] = [];
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const card: CardInput = { number: i % 10 === 9 ? '4547004841271012' : luhn(`4${String(100_000_000_000_00 + i * 7919).padStart(14, '0')}`), expMonth: '12', expYear: '2031', cvv: String(100 + ((i * 37) % 900)), holderName: `Holder ${i}` };
      cards.push(card);
      if (i % 7 === 3) sim.faults.inject({ kind: i % 2 === 0 ? 'error-after-commit' : 'malformed-json', gateway: 'paycertify' });
      const hold = await hf.authorize({ gateway: 'paycertify', amount: 2_500 + i, currency: 'USD', card, orderId: `o-${i}`, onExpiry: i % 2 === 0 ? 'capture' : 'void' }).catch(() => null);
      if (hold === null) continue;
      ids.push(hold.id);
      if (i % 4 === 0) await hf.capture(hold.id, { amount: 1_000 }).catch(() => undefined);
      else if (i % 4 === 1) await hf.void(hold.id).catch(() => undefined);
    }
    // The rest is swept at actBy, some through faults and their retries.
    sim.faults.inject({ kind: 'error-after-commit', gateway: 'paycertify', times: 3 }, { kind: 'reset-after-commit', gateway: 'paycertify', times: 2 });
    clock.advance(6 * DAY_MS);
    for (let pass = 0; pass < 4; pass++) {
      await hf.sweep({ concurrency: 8 });
      clock.advance(10 * 60_000);
    }
    expect(ids.length).toBeGreaterThan(count / 2);
    const files = [database, `${database}-wal`].filter(existsSync);
    expect(files).toHaveLength(2);
    const exchanges = (await Promise.all(ids.map((id) => hf.history(id)))).flatMap((h) => h.exchanges);
    const texts: [string, string][] = [
      ...files.map((f) => [f, readFileSync(f).toString('latin1')] as [string, string]),
      ['logs', logs.join('')],
      ['exchange records', JSON.stringify(exchanges)],
    ];
    const needles = [...cards.map((c) => c.number), TOKEN];
    let hits = 0;
    const found: number[] = [];
    for (const [where, text] of texts) {
      // Any Luhn-valid run that carries a used card's hidden middle digits (or is a needle) is a leak;
      // other Luhn-valid runs are random ids or timestamps that happen to pass the check (~1 in 10).
      const leaks = findLeaks(text, needles).filter((x) => needles.includes(x) || cards.some((c) => x.includes(c.number.slice(6, -4))));
      const cvvs = cards.filter((card) => new RegExp(`"(cvv|cvv2|card_cvv|cad_cvv|securityCode)"\\s*:\\s*"?${card.cvv}\\b`).test(text)).length;
      // The API token is one of the needles: findLeaks reports it with the card numbers.
      found.push(leaks.length + cvvs);
      hits += leaks.length + cvvs;
      expect(leaks, where).toEqual([]);
      expect(cvvs, `${where}: CVV fields`).toBe(0);
    }
    expect(JSON.stringify(exchanges)).not.toMatch(/cvv|Bearer/i);
    await hf.close();
    await sim.close();
    recordResult({
      suite: 'card-data',
      title: 'Card data at rest after PayCertify runs',
      rows: [
        { scanned: 'database file', bytes: texts[0]![1].length, 'card numbers / CVVs / credentials found': found[0]! },
        { scanned: 'database -wal file', bytes: texts[1]![1].length, 'card numbers / CVVs / credentials found': found[1]! },
        { scanned: `logs (debug level, ${logs.length} lines)`, bytes: texts[2]![1].length, 'card numbers / CVVs / credentials found': found[2]! },
        { scanned: `exchange records (${exchanges.length})`, bytes: texts[3]![1].length, 'card numbers / CVVs / credentials found': found[3]! },
      ],
      violations: { cardDataHits: hits },
      notes: [`${count} raw cards through authorize, capture, void, decline, 5xx/malformed/reset faults and sweeps; needles: every card number used, every CVV as a field value, the API token; plus any Luhn-valid 13–19 digit run (findLeaks) that carries a used card's masked-away middle digits`],
      durationMs: elapsed(),
    });
  }, timeoutMs(60_000));
});
