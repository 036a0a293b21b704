/**
 * The largest amount CancelFlow takes in one field or adds up to in one order: 10^10 minor units
 * (100,000,000.00 in a currency with cents). Far above any real order, and far enough below
 * Number.MAX_SAFE_INTEGER (about 9 * 10^15) that every sum, product and allocation over an order's
 * amounts stays exact.
 */
export const MAX_AMOUNT_MINOR = 10_000_000_000;

/**
 * Money is always integer minor units (cents) with a currency: never a float. Its schema is in
 * schemas/money.ts: the workflows import this module, and every module they import is evaluated
 * again for each workflow, so none of the rules here pulls in zod.
 */
export interface Money {
  amountMinor: number;
  currency: string;
}

export class CurrencyMismatchError extends Error {
  constructor(a: string, b: string) {
    super(`cannot combine amounts in ${a} and ${b}`);
    this.name = 'CurrencyMismatchError';
  }
}

/** An amount or a sum that cannot be counted exactly (beyond Number.MAX_SAFE_INTEGER) or is not whole. */
export class AmountOutOfRangeError extends RangeError {
  constructor(amountMinor: number) {
    super(
      Number.isInteger(amountMinor)
        ? `amount ${amountMinor} is beyond the range money is counted in exactly (at most ${Number.MAX_SAFE_INTEGER} minor units)`
        : `amount ${amountMinor} is not a whole number of minor units`,
    );
    this.name = 'AmountOutOfRangeError';
  }
}

export function money(amountMinor: number, currency: string): Money {
  if (!Number.isSafeInteger(amountMinor)) throw new AmountOutOfRangeError(amountMinor);
  return { amountMinor, currency };
}

/**
 * Adds minor units as plain numbers, refusing a total that leaves the safe integer range (where
 * `a + b` would silently round): for sums over input before it becomes Money.
 */
export function sumMinor(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    if (!Number.isSafeInteger(amount)) throw new AmountOutOfRangeError(amount);
    total += amount;
    if (!Number.isSafeInteger(total)) throw new AmountOutOfRangeError(total);
  }
  return total;
}

export const zero = (currency: string): Money => money(0, currency);

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amountMinor + b.amountMinor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amountMinor - b.amountMinor, a.currency);
}

export function multiply(a: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) throw new RangeError('money is multiplied by whole quantities only');
  return money(a.amountMinor * factor, a.currency);
}

export function sum(amounts: readonly Money[], currency: string): Money {
  return amounts.reduce((total, m) => add(total, m), zero(currency));
}

export const isZero = (m: Money): boolean => m.amountMinor === 0;
export const min = (a: Money, b: Money): Money => {
  sameCurrency(a, b);
  return a.amountMinor <= b.amountMinor ? a : b;
};

/** "12.34 EUR" (or "1234 JPY"): for emails and logs; the API always carries minor units. */
export function formatMoney(m: Money): string {
  const digits = minorUnitDigits(m.currency);
  return `${(m.amountMinor / 10 ** digits).toFixed(digits)} ${m.currency}`;
}

/** How many digits a currency's minor unit has (EUR 2, JPY 0, KWD 3). */
export const minorUnitDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/**
 * The amount in major units, for the outside APIs that carry decimals (ChannelEngine's): the
 * nearest double to the exact decimal, never computed with.
 */
export const toMajorUnits = (amountMinor: number, currency: string): number => {
  const digits = minorUnitDigits(currency);
  return Number((amountMinor / 10 ** digits).toFixed(digits));
};
/** The one way money a person reads is written: "30.00 EUR" for 3000 minor units of EUR. */
export const formatAmount = (amountMinor: number, currency: string): string => formatMoney({ amountMinor, currency });
