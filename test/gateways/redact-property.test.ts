// Properties of redaction by field role: a Luhn-valid card number in any separator form, anywhere in
// free text, never survives; a Luhn-valid 18-digit ticket number under a reference key or passed as
// a reference always does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnValid, redact, redactExchange, redactText } from '../../src/gateways/redact.js';
import type { ExchangeRecord } from '../../src/gateways/types.js';

function completeLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

// 13-digit numbers count only with a leading 4 (Visa): the rule that keeps epoch-ms timestamps readable.
const pan = fc
  .integer({ min: 13, max: 19 })
  .chain((length) =>
    fc.tuple(fc.constantFrom(...(length === 13 ? ['4'] : ['2', '3', '4', '5', '6'])), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 2, maxLength: length - 2 })),
  )
  .map(([first, rest]) => completeLuhn(`${first}${rest.join('')}`));

const SEPARATORS = {
  plain: [''],
  space: [' '],
  'double space': ['  '],
  dash: ['-'],
  dot: ['.'],
  'no-break space': ['\u00a0'],
  mixed: [' ', '-', '.', '  ', ' - '],
} as const;

// Grouped in fours (Amex-style 4-6-5 for 15 digits), each gap drawn from the form's separators.
function formatted(digits: string, separators: readonly string[], pick: number[]): string {
  const groups = digits.length === 15 ? [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)] : digits.match(/.{1,4}/g)!;
  return groups.reduce((out, group, i) => (i === 0 ? group : `${out}${separators[(pick[i] ?? 0) % separators.length]}${group}`), '');
}

// Text around the card: words, punctuation and short numbers (amounts, codes) that may chain onto it.
const filler = fc.array(fc.constantFrom('tarjeta', 'card', 'declined', 'for', 'K001', '60.00', '12', '2029', ':', ',', '(', ')', '"', 'no', 'existe'), { maxLength: 6 }).map((w) => w.join(' '));
const boundary = fc.constantFrom(' ', ': ', ' (', '"', '=', '/', ' #');

describe('property: no Luhn-valid card number survives in free text', () => {
  for (const [form, separators] of Object.entries(SEPARATORS)) {
    it(`${form}`, () => {
      fc.assert(
        fc.property(pan, filler, boundary, boundary, filler, fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), (digits, before, b1, b2, after, pick) => {
          const text = `${before}${b1}${formatted(digits, separators, pick)}${b2}${after}`;
          const out = redactText(text);
          // Not recoverable by stripping separators either.
          expect(out.replace(/[\s.\-\u00a0]/g, '')).not.toContain(digits);
          expect(JSON.stringify(redact({ note: text, list: [text] }))).not.toContain(digits);
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('property: a ticket number under a reference key or passed as a reference stays intact', () => {
  const ticket = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 }).map((d) => completeLuhn(`${(d[0]! % 9) + 1}${d.slice(1).join('')}`));
  const key = fc.constantFrom('ticketNumber', 'preauthTicketNumber', 'ticket_number', 'transactionReference', 'transactionId', 'processor_transaction_id', 'subscriptionId', 'idempotencyKey');

  it('under a reference key, as a string or a bigint, at any depth', () => {
    fc.assert(
      fc.property(ticket, key, fc.boolean(), (t, k, asBigint) => {
        expect(t).toHaveLength(18);
        expect(luhnValid(t)).toBe(true);
        const value = asBigint ? BigInt(t) : t;
        expect(redact({ [k]: value, details: { [k]: value } })).toEqual({ [k]: value, details: { [k]: value } });
      }),
      { numRuns: 200 },
    );
  });

  // Words without digits: a run of filler numbers could itself be a Luhn-valid card number.
  const words = fc.array(fc.constantFrom('no', 'existe', 'la', 'transacción', 'ticket', ':', '(', ')'), { maxLength: 6 }).map((w) => w.join(' '));

  it('passed as a reference: in the void path, in the message, in any field', () => {
    fc.assert(
      fc.property(ticket, words, (t, words) => {
        const record: ExchangeRecord = {
          operation: 'void', idempotencyKey: `void-${t}`, httpStatus: 400, latencyMs: 1,
          request: { method: 'DELETE', path: `/v1/charges/${t}` },
          response: { body: { message: `no existe la transacción ${t}`, other: `${words} ${t}` } },
          gatewayCode: 'K001', message: `${words} no existe la transacción ${t}`,
        };
        expect(redactExchange(record, { references: [t] })).toEqual(record);
      }),
      { numRuns: 200 },
    );
  });
});
