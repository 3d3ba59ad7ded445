// Redaction: card numbers masked wherever they appear, CVV-like keys dropped, credentials never kept.
import { describe, expect, it } from 'vitest';
import { findLeaks, findPans, isCvvKey, luhnValid, maskPan, maskPansInText, redact, redactExchange, redactHeaders, redactLogRecord } from '../../src/gateways/redact.js';
import type { ExchangeRecord } from '../../src/gateways/types.js';

describe('redact', () => {
  it('masks to BIN6…last4', () => {
    expect(maskPan('5451951574925480')).toBe('545195…5480');
    expect(maskPan('5451 9515 7492 5480')).toBe('545195…5480');
    expect(maskPan('1234')).toBe('…');
  });

  it('Luhn', () => {
    expect(luhnValid('5451951574925480')).toBe(true);
    expect(luhnValid('5451951574925481')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('masks a PAN inside free text, plain or grouped, and one followed by more digits', () => {
    expect(maskPansInText('card 5451951574925480 was declined')).toBe('card 545195…5480 was declined');
    expect(maskPansInText('pan=4349003000047015;')).toBe('pan=434900…7015;');
    expect(maskPansInText('tarjeta 5451 9515 7492 5480.')).toBe('tarjeta 545195…5480.');
    expect(maskPansInText('5451-9515-7492-5480')).toBe('545195…5480');
    expect(maskPansInText('4111 1111 1111 1111 2029')).toBe('411111…1111 2029');
    expect(maskPansInText('amex 371449635392376 (15)')).toBe('amex 371449…2376 (15)');
  });

  it('leaves non-PANs alone: Luhn-invalid runs, short runs, and digits inside longer numbers', () => {
    expect(maskPansInText('ticket 5451951574925481')).toBe('ticket 5451951574925481');
    expect(maskPansInText('amount 60.00 at 1651242220')).toBe('amount 60.00 at 1651242220');
    expect(maskPansInText('processorId 1000001041103567878316507278003')).toBe('processorId 1000001041103567878316507278003');
  });

  it('drops CVV-like keys at any depth, cad_cvv included', () => {
    const out = redact({
      cvv: '123', CVC: '123', cvv2: '123', card_cvv: '123', cad_cvv: '123', securityCode: '123', security_code: '123', cvc2: '1',
      card: { number: '5451951574925480', cvv: '999', expiryMonth: '05' },
      list: [{ Card_CVV: '1' }],
      keep: 'yes',
    });
    expect(out).toEqual({ card: { number: '545195…5480', expiryMonth: '05' }, list: [{}], keep: 'yes' });
    expect(['cvv', 'cad_cvv', 'CardSecurityCode', 'card_verification_value'].every(isCvvKey)).toBe(true);
    expect(isCvvKey('description')).toBe(false);
  });

  it('drops credential keys and masks card-number keys even when the number fails Luhn', () => {
    expect(
      redact({ token: 't', apiToken: 't', client_secret: 's', password: 'p', privateMerchantId: 'm', 'Public-Merchant-Id': 'm', Authorization: 'Bearer x', card_number: '4111111111111112', merchantId: '20000000104111374000' }),
    ).toEqual({ card_number: '411111…1112', merchantId: '20000000104111374000' });
  });

  it('masks PANs sent as JSON numbers and in nested free text; replaces known secrets and bearer tokens anywhere', () => {
    expect(redact({ n: 4349003000047015, msg: ['see 5451951574925480'] })).toEqual({ n: '434900…7015', msg: ['see 545195…5480'] });
    expect(redact('merchant abc-secret-123 used Bearer eyJ.hb.x', { secrets: ['abc-secret-123'] })).toBe('merchant [redacted] used Bearer [redacted]');
    expect(redact('raw 4111111111111112 echoed', { pans: ['4111111111111112'] })).toBe('raw 411111…1112 echoed');
  });

  it('keeps only allow-listed headers: never Authorization, Private-Merchant-Id, Public-Merchant-Id or tokens', () => {
    expect(
      redactHeaders({
        Authorization: 'Bearer abc',
        'Private-Merchant-Id': 'pm',
        'Public-Merchant-Id': 'pub',
        'X-Api-Token': 't',
        Cookie: 'c',
        'Idempotency-Key': 'k-1',
        'Content-Type': 'application/json',
        'x-request-id': ['a', 'b'],
      }),
    ).toEqual({ 'idempotency-key': 'k-1', 'content-type': 'application/json', 'x-request-id': 'a, b' });
  });

  it('redactExchange is idempotent and covers message and code', () => {
    const record: ExchangeRecord = {
      operation: 'authorize', idempotencyKey: 'k', httpStatus: 400, latencyMs: 1,
      request: { body: { card_number: '5451951574925480', card_cvv: '123' } },
      response: { error: 'card 5451951574925480 invalid' },
      gatewayCode: '5451951574925480', message: 'card 5451951574925480 invalid',
    };
    const once = redactExchange(record);
    expect(redactExchange(once)).toEqual(once);
    expect(findLeaks(JSON.stringify(once), ['123'])).toEqual([]);
    expect(once.message).toBe('card 545195…5480 invalid');
  });

  it('finds leaks for the storage and log scans', () => {
    expect(findPans('a 5451951574925480 b 545195…5480')).toEqual(['5451951574925480']);
    expect(findLeaks('token=abc-123', ['abc-123', 'absent'])).toEqual(['abc-123']);
  });

  it('works as a pino formatter', () => {
    expect(redactLogRecord({ msg: 'x', pan: '5451951574925480', cvv: '1' })).toEqual({ msg: 'x', pan: '545195…5480' });
  });
});

describe('redact: gateway references are not card numbers', () => {
  it('keeps an 18-digit ticket number that passes the Luhn check, unless it is the card sent', () => {
    const ticket = '100000000000000008';
    expect(luhnValid(ticket)).toBe(true);
    expect(redact({ ticketNumber: ticket, details: { ticketNumber: ticket, note: `ref ${ticket}` } })).toEqual({
      ticketNumber: ticket,
      details: { ticketNumber: ticket, note: `ref ${maskPan(ticket)}` },
    });
    expect(redact({ ticketNumber: ticket }, { pans: [ticket] })).toEqual({ ticketNumber: maskPan(ticket) });
  });
});

describe('redact: UUIDs are not card numbers', () => {
  it('leaves a UUID whose last groups chain into a Luhn-valid number alone', () => {
    const id = '5eed0000-0000-4000-8000-000000000003';
    expect(luhnValid('8000000000000003')).toBe(true);
    expect(maskPansInText(`transaction ${id} approved`)).toBe(`transaction ${id} approved`);
    expect(findPans(`{"id":"${id}"} 4111 1111 1111 1111`)).toEqual(['4111111111111111']);
  });
});

describe('redact: timestamps are not card numbers', () => {
  it('a Luhn-valid 13-digit epoch-ms timestamp is left alone; a 13-digit Visa is masked', () => {
    // 1795316924905 is Luhn-valid; only Visa (leading 4) ever issued 13-digit PANs.
    expect(luhnValid('1795316924905')).toBe(true);
    expect(maskPansInText('"time":1795316924905')).toBe('"time":1795316924905');
    expect(redact({ created: 1795316924905 })).toEqual({ created: 1795316924905 });
    expect(luhnValid('4222222222222')).toBe(true);
    expect(maskPansInText('old visa 4222222222222')).toBe('old visa 422222…2222');
  });
});
