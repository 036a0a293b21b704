import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  add,
  AmountOutOfRangeError,
  listEmailsQuerySchema,
  listOrdersQuerySchema,
  MAX_AMOUNT_MINOR,
  minorUnits,
  money,
  multiply,
  sumMinor,
  text,
} from '../src/index.ts';

const storable = (value: string) => !value.includes('\u0000') && !/\p{Cs}/u.test(value);

describe('the shared text schema', () => {
  it('takes every string PostgreSQL can store and refuses every other (NUL, unpaired surrogates)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(text().safeParse(value).success).toBe(storable(value));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff'),
        fc.string(),
        (a, bad, b) => {
          expect(text().safeParse(`${a}${bad}${b}`).success).toBe(false);
        },
      ),
    );
    expect(text().safeParse('emoji 😀 and 𝄞').success).toBe(true);
  });

  it('guards query strings as well as bodies', () => {
    expect(listOrdersQuerySchema.safeParse({ q: 'CO\u0000' }).success).toBe(false);
    expect(listOrdersQuerySchema.safeParse({ merchantId: 'm\ud800' }).success).toBe(false);
    expect(listEmailsQuerySchema.safeParse({ orderId: 'o\u0000' }).success).toBe(false);
    expect(listOrdersQuerySchema.safeParse({ q: 'CO-1', offset: '10' }).success).toBe(true);
  });
});

describe('amounts', () => {
  it(`are bounded to ${MAX_AMOUNT_MINOR} minor units, and the bound is said in the schema`, () => {
    expect(minorUnits('amount').safeParse(MAX_AMOUNT_MINOR).success).toBe(true);
    expect(minorUnits('amount').safeParse(MAX_AMOUNT_MINOR + 1).success).toBe(false);
    expect(minorUnits('amount').safeParse(Number.MAX_SAFE_INTEGER).success).toBe(false);
    expect(minorUnits('amount').meta()?.description).toContain(String(MAX_AMOUNT_MINOR));
  });

  it('sums and products never leave the safe integer range silently', () => {
    expect(() => add(money(Number.MAX_SAFE_INTEGER, 'EUR'), money(1, 'EUR'))).toThrow(AmountOutOfRangeError);
    expect(() => multiply(money(MAX_AMOUNT_MINOR, 'EUR'), 10_000_000)).toThrow(AmountOutOfRangeError);
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(/beyond the range/);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: MAX_AMOUNT_MINOR }), { maxLength: 500 }), (amounts) => {
        expect(sumMinor(amounts)).toBe(amounts.reduce((a, b) => a + b, 0));
      }),
    );
  });
});
