import { describe, expect, it } from 'vitest';
import { add, formatMoney, money, multiply, subtract, sum, CurrencyMismatchError } from '../src/money.ts';

describe('money', () => {
  it('adds and subtracts whole minor units of one currency', () => {
    expect(add(money(1999, 'EUR'), money(1, 'EUR'))).toEqual(money(2000, 'EUR'));
    expect(subtract(money(2000, 'EUR'), money(1, 'EUR'))).toEqual(money(1999, 'EUR'));
    expect(sum([money(1, 'EUR'), money(2, 'EUR')], 'EUR')).toEqual(money(3, 'EUR'));
  });

  it('refuses to mix currencies', () => {
    expect(() => add(money(1, 'EUR'), money(1, 'USD'))).toThrow(CurrencyMismatchError);
  });

  it('never holds a fraction of a minor unit', () => {
    expect(() => money(10.5, 'EUR')).toThrow(RangeError);
    expect(() => multiply(money(10, 'EUR'), 1.5)).toThrow(RangeError);
    expect(multiply(money(333, 'EUR'), 3)).toEqual(money(999, 'EUR'));
  });

  it('formats with the currency’s own number of decimals', () => {
    expect(formatMoney(money(1999, 'EUR'))).toBe('19.99 EUR');
    expect(formatMoney(money(1999, 'JPY'))).toBe('1999 JPY');
    expect(formatMoney(money(5, 'USD'))).toBe('0.05 USD');
  });
});
