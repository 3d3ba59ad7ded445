// The seeds' and fixtures' own JSON examples, fed to the pure parsers: each must map to the outcome
// a careful reader of the source would expect. Fixture copies live in ./fixtures (from
// ../shared/fixtures, provenance in ./fixtures/SOURCES.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  KUSHKI_CODES,
  kushkiCardType,
  kushkiCreatedAt,
  parseAuthorizeResponse as kushkiAuthorize,
  parseCaptureResponse as kushkiCapture,
  parseFailure as kushkiFailure,
  parseVoidResponse as kushkiVoid,
} from '../../src/gateways/kushki/transformers.js';
import {
  latestEvent,
  parseAuthorizeResponse as pcAuthorize,
  parseCaptureResponse as pcCapture,
  parseFailure as pcFailure,
} from '../../src/gateways/paycertify/transformers.js';
import { parseJsonExact, quoteUnsafeIntegers } from '../../src/gateways/wire.js';
import type { ExchangeRecord } from '../../src/gateways/types.js';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const base: ExchangeRecord = { operation: 'authorize', idempotencyKey: 'k', httpStatus: 201, request: null, response: null, latencyMs: 1, gatewayCode: null, message: null };

// Seed 001, "201 - Authorize deferred" (verbatim; `created` in SECONDS).
const SEED_001_AUTHORIZE = `{
    "ticketNumber": "488892209101141831",
    "details": {
        "approvedTransactionAmount": 1000, "requestAmount": 1000, "responseCode": "000", "approvalCode": "000000",
        "syncMode": "online", "merchantId": "20000000104111374000", "processorId": "1000001041103567878316507278003",
        "cardHolderName": "John Doe", "binCard": "545195", "merchantName": "Merchant MX", "processorName": "BillPocket Processor",
        "processorBankName": "0032~BANCO INTERNACIONAL", "transactionId": "454501167520825260", "lastFourDigits": "5480",
        "binInfo": { "bank": "BANCO DE LA PRODUCCION S.A. (PRODUBANCO)", "type": "credit" },
        "paymentBrand": "MASTERCARD", "subtotalIva": 0, "subtotalIva0": 1000, "currencyCode": "MXN", "ivaValue": 0,
        "cardCountry": "Ecuador", "created": 1651242220, "fullResponse": true, "transactionStatus": "APPROVAL",
        "transactionType": "PREAUTHORIZATION", "transactionReference": "0356c7c3-deab-4da0-8a0d-4985009ffc39",
        "acquirerBank": "BANJERCITO", "rules": []
    },
    "transactionReference": "0356c7c3-deab-4da0-8a0d-4985009ffc39"
}`;

describe('Kushki examples', () => {
  it('seed 001 authorize example: approved, ticket kept as a string, MXN 1000 = 100000 minor units, created in seconds', () => {
    const now = 1651242220_000 + 2_000;
    const out = kushkiAuthorize({ status: 201, bodyText: SEED_001_AUTHORIZE }, { base, requestedAmount: 100_000, currency: 'MXN', now });
    expect(out).toMatchObject({ kind: 'approved', gatewayRef: '488892209101141831', amount: 100_000, cardType: 'credit', authorizedAt: 1651242220_000, maskedCard: '545195…5480' });
  });

  it('the same example read months later: created is implausible, authorizedAt falls back to null', () => {
    const out = kushkiAuthorize({ status: 201, bodyText: SEED_001_AUTHORIZE }, { base, requestedAmount: 100_000, currency: 'MXN', now: Date.UTC(2026, 0, 1) });
    expect(out).toMatchObject({ kind: 'approved', authorizedAt: null });
  });

  it('a numeric 18-digit ticketNumber is parsed exactly from the raw text', () => {
    const text = SEED_001_AUTHORIZE.replace('"ticketNumber": "488892209101141831"', '"ticketNumber": 488892209101141831');
    expect(String(JSON.parse(text).ticketNumber)).not.toBe('488892209101141831'); // what a naive client gets
    const out = kushkiAuthorize({ status: 201, bodyText: text }, { base, requestedAmount: 100_000, currency: 'MXN', now: 1651242220_000 });
    expect(out).toMatchObject({ kind: 'approved', gatewayRef: '488892209101141831' });
  });

  it('fixture capture example: 1 COP approved of 59 requested, the NEW ticket is the captureRef, created in ms', () => {
    const f = fixture('kushki-capture-response.docs-example.json');
    const details = { ...(f.details as Record<string, unknown>), transactionStatus: 'APPROVAL' }; // truncated as "APPRO…" in the copy
    const now = 1658359597000 + 1_000;
    const out = kushkiCapture({ status: 201, bodyText: JSON.stringify({ details }) }, { base, requestedAmount: 5_900, currency: 'COP', now });
    expect(out).toMatchObject({ kind: 'approved', amount: 100, captureRef: '811341055296364740' });
  });

  it('fixture capture example as transcribed (status "APPROVAL (assumed…)"): not guessed, unknown', () => {
    const f = fixture('kushki-capture-response.docs-example.json');
    const out = kushkiCapture({ status: 201, bodyText: JSON.stringify({ details: f.details }) }, { base, requestedAmount: 5_900, currency: 'COP', now: 1658359597000 });
    expect(out.kind).toBe('unknown');
  });

  it('the docs schema example (placeholder values) is not an approval: unknown', () => {
    const f = fixture('kushki-subscription-authorize-response.docs-schema.json');
    const out = kushkiAuthorize({ status: 201, bodyText: JSON.stringify(f) }, { base, requestedAmount: 100, currency: 'CLP', now: Date.now() });
    expect(out.kind).toBe('unknown');
  });

  it('error bodies from the fixtures: K004 and K026 are configuration errors, K001/K012/K014/017 declines, K002 unknown', () => {
    const one = fixture('kushki-error-codes-card-one-time.json');
    const rec = fixture('kushki-error-codes-recurring.json');
    expect(kushkiFailure({ status: 401, bodyText: JSON.stringify(one._example_body) }, base)).toMatchObject({ kind: 'misconfigured', code: 'K004' });
    // Some deployments answer K004 with 400: still a configuration error, never a decline to retry.
    expect(kushkiFailure({ status: 400, bodyText: JSON.stringify(one._example_body) }, base)).toMatchObject({ kind: 'misconfigured', code: 'K004' });
    expect(kushkiFailure({ status: 400, bodyText: '{"message": "Comercio deshabilitado", "code": "K026"}' }, base)).toMatchObject({ kind: 'misconfigured' });
    const expected: Record<string, string> = { K001: 'declined', K012: 'declined', K014: 'declined', '017': 'declined', K002: 'unknown', '228': 'unknown', '201': 'misconfigured' };
    for (const [code, kind] of Object.entries(expected)) {
      expect(kushkiFailure({ status: 400, bodyText: JSON.stringify({ code, message: 'm' }) }, base).kind, code).toBe(kind);
    }
    // Every code either table lists has an explicit disposition.
    for (const row of [...(one.codes as { code: string }[]), ...(rec.codes as { code: string }[])]) {
      expect(Object.keys(KUSHKI_CODES), row.code).toContain(row.code);
    }
    for (const c of fixture('kushki-legacy-error-codes.json').cases as { expected_code: string }[]) {
      expect(Object.keys(KUSHKI_CODES), c.expected_code).toContain(c.expected_code);
    }
  });

  it('status classes: 5xx unknown (even with a decline-looking body), 429 unavailable, 409 unknown, a 4xx HTML page misconfigured', () => {
    expect(kushkiFailure({ status: 500, bodyText: '{"code":"017","message":"x"}' }, base).kind).toBe('unknown');
    expect(kushkiFailure({ status: 503, bodyText: '<html>bad gateway</html>' }, base).kind).toBe('unknown');
    expect(kushkiFailure({ status: 429, bodyText: '' }, base).kind).toBe('unavailable');
    expect(kushkiFailure({ status: 409, bodyText: '' }, base).kind).toBe('unknown');
    expect(kushkiFailure({ status: 404, bodyText: '<html>not found</html>' }, base).kind).toBe('misconfigured');
    expect(kushkiFailure({ status: 302, bodyText: '' }, base).kind).toBe('unknown');
    expect(kushkiFailure({ status: 400, bodyText: '{"code":"K999","message":"new code"}' }, base)).toMatchObject({ kind: 'declined', code: 'K999' });
  });

  it('2xx bodies that are not approvals: DECLINED → declined, other statuses, wrong type, wrong currency, larger amount → unknown', () => {
    const body = (details: Record<string, unknown>) => JSON.stringify({ ticketNumber: '1', details: { approvedTransactionAmount: 10, transactionStatus: 'APPROVAL', ...details } });
    const ctx = { base, requestedAmount: 1_000, currency: 'PEN', now: 0 };
    expect(kushkiAuthorize({ status: 201, bodyText: body({ transactionStatus: 'DECLINED', responseCode: '051' }) }, ctx)).toMatchObject({ kind: 'declined', code: '051' });
    expect(kushkiAuthorize({ status: 201, bodyText: body({ transactionStatus: 'PENDING' }) }, ctx).kind).toBe('unknown');
    expect(kushkiAuthorize({ status: 201, bodyText: body({ transactionType: 'SALE' }) }, ctx).kind).toBe('unknown');
    expect(kushkiAuthorize({ status: 201, bodyText: body({ currencyCode: 'USD' }) }, ctx).kind).toBe('unknown');
    expect(kushkiAuthorize({ status: 201, bodyText: body({ approvedTransactionAmount: 10.001 }) }, ctx).kind).toBe('unknown');
    expect(kushkiAuthorize({ status: 201, bodyText: body({ approvedTransactionAmount: 11 }) }, ctx).kind).toBe('unknown');
    expect(kushkiAuthorize({ status: 201, bodyText: '{"ticketNumber":"1","details":' }, ctx).kind).toBe('unknown');
    expect(kushkiAuthorize({ status: 201, bodyText: body({}) }, ctx)).toMatchObject({ kind: 'approved', amount: 1_000, authorizedAt: null, cardType: 'unknown' });
  });

  it('void: 200/201/204 with or without a body is success; a DECLINED body is not; 202 is unknown', () => {
    const ctx = { base, requestedAmount: 1, currency: 'PEN', now: 0 };
    expect(kushkiVoid({ status: 204, bodyText: '' }, ctx).kind).toBe('approved');
    expect(kushkiVoid({ status: 200, bodyText: '{"ticketNumber":"1","details":{"transactionStatus":"INITIALIZED","transactionType":"VOID"}}' }, ctx).kind).toBe('approved');
    expect(kushkiVoid({ status: 201, bodyText: '{"details":{"transactionStatus":"DECLINED"}}' }, ctx).kind).toBe('declined');
    expect(kushkiVoid({ status: 202, bodyText: '' }, ctx).kind).toBe('unknown');
  });

  it('created: seconds, milliseconds, numeric strings; missing, zero, future or ancient → null', () => {
    const now = Date.UTC(2026, 0, 5);
    expect(kushkiCreatedAt(now / 1000, now)).toBe(now);
    expect(kushkiCreatedAt(now - 5, now)).toBe(now - 5);
    expect(kushkiCreatedAt(String(now), now)).toBe(now);
    expect(kushkiCreatedAt(undefined, now)).toBeNull();
    expect(kushkiCreatedAt(0, now)).toBeNull();
    expect(kushkiCreatedAt(now + 60 * 60 * 1000, now)).toBeNull();
    expect(kushkiCreatedAt(now - 40 * 24 * 60 * 60 * 1000, now)).toBeNull();
    expect(kushkiCreatedAt(now - 20 * 24 * 60 * 60 * 1000, now)).toBe(now - 20 * 24 * 60 * 60 * 1000);
  });

  it('card type: credit/debit in either language, anything else unknown', () => {
    expect([kushkiCardType('credit'), kushkiCardType('Débito'), kushkiCardType('CREDITO'), kushkiCardType('prepaid'), kushkiCardType(undefined)]).toEqual(['credit', 'debit', 'credit', 'unknown', 'unknown']);
  });
});

// Seed 003's auth example answers with a `sale` event (funds captured), its auto-capture example with
// an `auth` event; its capture example is missing a comma between the two events.
const SEED_003_AUTH = (eventType: string) => `{"transaction": {"id": "a0b94138-a86e-4f04-a3e2-f62e689a25f9", "merchant_transaction_id": "my-order-id-0001",
  "events": [{"id": "20ce16aa-d87a-4c52-b1db-9f74349b0c2d", "success": true, "status": "pending_settlement", "auth_code": "160854",
  "cvv_response": null, "event_type": "${eventType}", "amount": "1.00", "ip_address": "127.0.0.1", "processor_code": "00",
  "processor_message": "Approved", "processor_transaction_id": "975734874493625", "updated_at": "2020-03-16T23:29:38+0000",
  "created_at": "2020-03-16T23:29:37+0000"}], "card_number": "411111******1111", "card_brand": "visa"}}`;
const SEED_003_CAPTURE = `{"transaction": {"id": "3410596f-d596-42d4-9811-41d43868e984", "events": [
  {"id": "84a8ab86-ee0e-47d4-8686-4e42fa58355e", "success": true, "event_type": "capture", "amount": "0.50", "processor_code": "00",
   "processor_message": "APPROVAL TAS123 ", "processor_transaction_id": "000000000252618", "created_at": "2018-02-16T16:35:39+00:00"}
  {"id": "84a8ab86-ee0e-47d4-8686-4e42fa58355e", "success": true, "event_type": "auth", "amount": "1.00", "processor_code": "00",
   "processor_message": "APPROVAL TAS656 ", "processor_transaction_id": "000000000252616", "created_at": "2018-02-16T16:33:39+00:00"}]}}`;

describe('PayCertify examples', () => {
  const now = Date.parse('2020-03-16T23:29:40Z');

  it('seed 003 auto-capture example (auth event, capture=false): approved 1.00, time from created_at', () => {
    const out = pcAuthorize({ status: 200, bodyText: SEED_003_AUTH('auth') }, { base, requestedAmount: 100, currency: 'USD', now, maskedCard: '411111…1111' });
    expect(out).toMatchObject({ kind: 'approved', gatewayRef: 'a0b94138-a86e-4f04-a3e2-f62e689a25f9', amount: 100, cardType: 'unknown', authorizedAt: Date.parse('2020-03-16T23:29:37Z') });
  });

  it('seed 003 auth example answering with a sale event: not a hold, so unknown (for an operator), never approved', () => {
    const out = pcAuthorize({ status: 200, bodyText: SEED_003_AUTH('sale') }, { base, requestedAmount: 100, currency: 'USD', now });
    expect(out).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('sale') });
  });

  it('seed 003 capture example as published (missing comma): malformed, unknown', () => {
    expect(pcCapture({ status: 200, bodyText: SEED_003_CAPTURE }, { base, requestedAmount: 50, currency: 'USD', now }).kind).toBe('unknown');
  });

  it('seed 003 capture example with the comma restored: approved 0.50, the capture event is the captureRef', () => {
    const fixed = SEED_003_CAPTURE.replace('}\n  {', '},\n  {');
    expect(pcCapture({ status: 200, bodyText: fixed }, { base, requestedAmount: 50, currency: 'USD', now })).toMatchObject({
      kind: 'approved',
      amount: 50,
      captureRef: '84a8ab86-ee0e-47d4-8686-4e42fa58355e',
    });
  });

  it('the latest event of a type decides: a later successful capture after a failed one', () => {
    const events = [
      { event_type: 'capture', success: false, created_at: '2020-01-01T00:00:02+00:00', id: 'late-fail' },
      { event_type: 'capture', success: true, created_at: '2020-01-01T00:00:01+00:00', id: 'early-ok' },
      { event_type: 'capture', success: true, created_at: '2020-01-01T00:00:03+00:00', id: 'latest' },
    ];
    expect(latestEvent(events, 'capture')?.id).toBe('latest');
    expect(latestEvent(events.slice(0, 2), 'capture')?.id).toBe('late-fail');
  });

  it('error bodies: field messages are flattened into a decline, 401 misconfigured, 5xx unknown', () => {
    expect(pcFailure({ status: 422, bodyText: '{"error":{"status":422,"message":{"amount":["is invalid"],"card_number":["is blank"]}}}' }, base)).toMatchObject({
      kind: 'declined',
      code: '422',
      message: 'amount: is invalid; card_number: is blank',
    });
    expect(pcFailure({ status: 401, bodyText: '{"error":{"status":401,"message":"Unauthorized"}}' }, base).kind).toBe('misconfigured');
    expect(pcFailure({ status: 500, bodyText: '{"error":{"status":500,"message":"x"}}' }, base).kind).toBe('unknown');
    expect(pcFailure({ status: 404, bodyText: 'Not Found' }, base).kind).toBe('misconfigured');
  });
});

describe('exact JSON', () => {
  it('quotes only unsafe integers outside strings', () => {
    expect(quoteUnsafeIntegers('{"a":319228478889680318,"b":"319228478889680318","c":12,"d":1.5e3,"e":-9007199254740993}')).toBe(
      '{"a":"319228478889680318","b":"319228478889680318","c":12,"d":1.5e3,"e":"-9007199254740993"}',
    );
    expect(parseJsonExact('{"s":"quote \\" 123456789012345678901 inside","n":[9007199254740991]}')).toEqual({ s: 'quote " 123456789012345678901 inside', n: [9007199254740991] });
    expect(() => parseJsonExact('{"a":')).toThrow(SyntaxError);
  });
});
