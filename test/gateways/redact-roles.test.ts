// Issue 10, findings 2 and 8: redaction by field role. Gateway references (Kushki's 18-digit ticket
// numbers, one in ten of which passes the Luhn check) are never masked; every other string is
// scanned for every PAN form; configured secrets are removed wherever they appear.
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { findPans, logRedactor, luhnValid, maskPan, redact, redactExchange, redactHeaders, redactLogRecord, redactText } from '../../src/gateways/redact.js';
import type { ExchangeRecord } from '../../src/gateways/types.js';

/** `body` plus the check digit that makes it Luhn-valid. */
function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

// A realistic Kushki ticket (the docs' 319228478889680318 with its last digit chosen to pass Luhn).
const TICKET = luhnComplete('31922847888968031');
const PAN = '4111111111111111';
const MASK = '411111…1111';

describe('references are never masked', () => {
  it('the ticket is an 18-digit Luhn-valid number (the case the review found)', () => {
    expect(TICKET).toHaveLength(18);
    expect(luhnValid(TICKET)).toBe(true);
    expect(findPans(TICKET)).toEqual([TICKET]);
  });

  it('keeps a ticket under ticketNumber, preauthTicketNumber and ticket_number, as a string, a number and a bigint', () => {
    const big = BigInt(TICKET);
    expect(
      redact({ ticketNumber: TICKET, details: { preauthTicketNumber: TICKET, ticket_number: TICKET }, asBigint: { ticketNumber: big } }),
    ).toEqual({ ticketNumber: TICKET, details: { preauthTicketNumber: TICKET, ticket_number: TICKET }, asBigint: { ticketNumber: big } });
  });

  it('keeps a ticket under every reference key of the Kushki and PayCertify bodies', () => {
    const body = {
      transactionReference: TICKET,
      preauthTransactionReference: TICKET,
      transactionId: TICKET,
      processor_transaction_id: TICKET,
      subscriptionId: TICKET,
      idempotencyKey: TICKET,
      gatewayRef: TICKET,
      captureRef: TICKET,
      eventId: TICKET,
    };
    expect(redact(body)).toEqual(body);
  });

  it('keeps a reference-role JSON number beyond 2^53 as it is (its digits are already lost)', () => {
    // eslint-disable-next-line @typescript-eslint/no-loss-of-precision
    const unsafe = 319228478889680318;
    expect(redact({ ticketNumber: unsafe })).toEqual({ ticketNumber: unsafe });
  });

  it('keeps a reference passed in options in the void path /v1/charges/{ticketNumber}', () => {
    const record: ExchangeRecord = {
      operation: 'void', idempotencyKey: 'void-1', httpStatus: 400, latencyMs: 1,
      request: { method: 'DELETE', path: `/v1/charges/${TICKET}`, body: { fullResponse: 'v2' } },
      response: { body: { code: 'K001', message: `no existe la transacción ${TICKET}` } },
      gatewayCode: 'K001', message: `no existe la transacción ${TICKET}`,
    };
    const out = redactExchange(record, { references: [TICKET] });
    expect(out.request).toEqual(record.request);
    expect(out.response).toEqual(record.response);
    expect(out.message).toBe(`no existe la transacción ${TICKET}`);
  });

  it('keeps a reference inside free text: no existe la transacción <ticket>', () => {
    expect(redactText(`no existe la transacción ${TICKET}`, { references: [TICKET] })).toBe(`no existe la transacción ${TICKET}`);
    // Unknown to this exchange, the same digits in free text are treated as a card number.
    expect(redactText(`no existe la transacción ${TICKET}`)).toBe(`no existe la transacción ${maskPan(TICKET)}`);
  });

  it('an exchange record carries its own references, so a second redaction (the engine\'s) keeps them', () => {
    const record: ExchangeRecord = {
      operation: 'void', idempotencyKey: 'void-2', httpStatus: 400, latencyMs: 1,
      request: { method: 'DELETE', path: `/v1/charges/${TICKET}` }, response: null,
      gatewayCode: 'K001', message: `no existe la transacción ${TICKET}`, references: [TICKET],
    };
    const again = redactExchange(redactExchange(record));
    expect(again.request).toEqual(record.request);
    expect(again.message).toBe(record.message);
  });

  it('keeps an Idempotency-Key header that happens to be a Luhn-valid number', () => {
    expect(redactHeaders({ 'Idempotency-Key': TICKET, 'X-Request-Id': `req ${PAN}` })).toEqual({ 'idempotency-key': TICKET, 'x-request-id': `req ${MASK}` });
  });

  it('still masks a reference-key value that is the card number the exchange carries', () => {
    expect(redact({ ticketNumber: PAN, transactionId: Number(PAN) }, { pans: [PAN] })).toEqual({ ticketNumber: MASK, transactionId: MASK });
    expect(redactText(`ticket ${PAN}`, { references: [PAN], pans: [PAN] })).toBe(`ticket ${MASK}`);
  });

  it('a reference does not shield a grouped card number under a reference key', () => {
    expect(redact({ transactionId: '4111 1111 1111 1111' })).toEqual({ transactionId: MASK });
  });
});

describe('every PAN form is masked outside reference fields', () => {
  it('a PAN under an unexpected key: a card-number-like key with a Luhn-invalid number', () => {
    expect(redact({ ccNumber: '4111111111111112', card_no: '4111 1111 1111 1112', numeroTarjeta: '4111111111111112' })).toEqual({
      ccNumber: '411111…1112', card_no: '411111…1112', numeroTarjeta: '411111…1112',
    });
  });

  it('a PAN used as an object key', () => {
    expect(JSON.stringify(redact({ seen: { [PAN]: true } }))).not.toContain(PAN);
    expect(redact({ seen: { [PAN]: true } })).toEqual({ seen: { [MASK]: true } });
  });

  it('a PAN as a JSON number beyond 2^53 is replaced wholesale (its last digits cannot be recovered)', () => {
    // A 19-digit Luhn-valid PAN read as a JS number: the value rounds, and its leading digits are the card's.
    const pan19 = luhnComplete('411111111111111111');
    const asNumber = Number(pan19);
    expect(Number.isSafeInteger(asNumber)).toBe(false);
    const out = JSON.stringify(redact({ amountRef: asNumber, list: [asNumber] }));
    expect(out).not.toContain('41111111111');
    expect(out).toContain('[redacted]');
  });

  it('a PAN as a bigint', () => {
    expect(redact({ n: BigInt(PAN) })).toEqual({ n: MASK });
  });

  it('a PAN in a float (a number that is not an integer)', () => {
    expect(JSON.stringify(redact({ n: 4111111111111111.5 }))).not.toContain('4111111111111111');
  });

  it('dotted: 4111.1111.1111.1111', () => {
    expect(redactText('tarjeta 4111.1111.1111.1111 rechazada')).toBe(`tarjeta ${MASK} rechazada`);
  });

  it('separated by double spaces, and by mixed separators', () => {
    expect(redactText('card 4111  1111  1111  1111 declined')).toBe(`card ${MASK} declined`);
    expect(redactText('card 4111 1111-1111.1111 declined')).toBe(`card ${MASK} declined`);
    expect(redactText('card 4111 - 1111 - 1111 - 1111 declined')).toBe(`card ${MASK} declined`);
    expect(redactText('card 4111\u00a01111\u00a01111\u00a01111 declined')).toBe(`card ${MASK} declined`);
  });

  it('track 1 data is removed entirely', () => {
    const out = redactText('swiped %B4111111111111111^DOE/JOHN^2512101000000000000000?, retry');
    expect(out).not.toMatch(/4111111111|DOE|JOHN|2512101/);
    expect(out).toBe('swiped [track data removed], retry');
  });

  it('track 2 data is removed entirely', () => {
    const out = redactText('raw ;4111111111111111=25121010000000000000? end');
    expect(out).not.toMatch(/4111111111|2512101/);
    expect(out).toBe('raw [track data removed] end');
    expect(redactText('t2 4111111111111111=2512101123')).toBe('t2 [track data removed]');
  });

  it('no false positives: epoch ms, epoch seconds with a fraction, UUIDs, amounts', () => {
    const text = 'at 1795316924905 (1651242220.123457) id 5eed0000-0000-4000-8000-000000000003 amount 60.00';
    expect(luhnValid('1651242220123457')).toBe(true);
    expect(redactText(text)).toBe(text);
  });
});

describe('configured secrets are removed wherever they appear', () => {
  const SECRET = 'pm/Key+42=';

  it('plain and URL-encoded, in values, paths and keys', () => {
    const out = redact({
      path: `/v1/x?merchant=${encodeURIComponent(SECRET)}`,
      note: `merchant ${SECRET} unknown`,
      [SECRET]: 'as a key',
    }, { secrets: [SECRET] });
    const text = JSON.stringify(out);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
    expect(out).toEqual({ path: '/v1/x?merchant=[redacted]', note: 'merchant [redacted] unknown', '[redacted]': 'as a key' });
  });

  it('redactText removes secrets, PANs and bearer tokens from one message', () => {
    expect(redactText(`merchant ${SECRET} card ${PAN} Bearer abc.def`, { secrets: [SECRET] })).toBe(`merchant [redacted] card ${MASK} Bearer [redacted]`);
  });

  it('logRedactor(secrets) is a pino formatters.log hook that removes them from every log line', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } });
    const logger = pino({ formatters: { log: logRedactor([SECRET, 'whsec_0123456789']) } }, sink);
    logger.info({ err: `gateway said merchant ${SECRET} invalid`, nested: { sig: 'whsec_0123456789', card: PAN } }, 'gateway exchange');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(SECRET);
    expect(lines[0]).not.toContain('whsec_0123456789');
    expect(lines[0]).not.toContain(PAN);
    expect(redactLogRecord({ card: PAN })).toEqual({ card: MASK });
  });

  it('database URL passwords in free text', () => {
    const out = redactText('cannot use database postgres://app:s3cr%40t@db:5432/hf and postgres://:pw2@db/hf?password=pw3');
    expect(out).not.toMatch(/s3cr|pw2|pw3/);
  });
});
