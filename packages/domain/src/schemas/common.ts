import { z } from 'zod';
import { MAX_AMOUNT_MINOR } from '../money.ts';

// Built from a string: a NUL written in a regular expression literal reads as a mistake to linters.
const NUL = new RegExp(String.fromCharCode(0));
/** With the u flag a well-formed surrogate pair is one code point: only unpaired halves match. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Every string an API, an activity or a query string takes: text that PostgreSQL can store in
 * its text and json columns, which refuse NUL characters and unpaired UTF-16 surrogates (JSON
 * allows both, as "\u0000" and "\ud800"). Use it instead of z.string() for anything from outside.
 */
export const text = (params?: Parameters<typeof z.string>[0]) =>
  z
    .string(params)
    .refine((value) => !NUL.test(value), 'must not contain NUL characters (\\u0000)')
    .refine(
      (value) => !LONE_SURROGATE.test(value),
      'must be well-formed text: it contains half of a UTF-16 surrogate pair (\\ud800-\\udfff alone)',
    );

/**
 * The one id check: a UUID in its text form (any version, any case), zod's guid. Stores and
 * activities test an id with isUuid before PostgreSQL's uuid columns would refuse it with an error
 * of their own; APIs validate one with uuidSchema (documented as format uuid).
 */
export const UUID_PATTERN: RegExp = z.regexes.guid;

export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

/** An id that must be a UUID, refused with `<what> must be a UUID such as …`. */
export const uuidSchema = (what: string) =>
  // A missing id keeps the one wording of every missing field ("is required").
  z.guid({
    error: (issue) => (issue.input === undefined ? undefined : `${what} must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e`),
  });

export const idSchema = text().min(1, 'id is required').max(64, 'id is at most 64 characters');

/**
 * An amount in minor units, from 0 to MAX_AMOUNT_MINOR (10^10, i.e. 100,000,000.00 in a currency
 * with cents): more than any real order, and small enough that sums over an order stay exact.
 */
export const minorUnits = (what: string) =>
  z
    .number({ error: `${what} must be a number of minor units (e.g. 1999 for 19.99)` })
    .int(`${what} must be a whole number of minor units (e.g. 1999 for 19.99), never a decimal`)
    .nonnegative(`${what} cannot be negative`)
    .max(MAX_AMOUNT_MINOR, `${what} is too large: at most ${MAX_AMOUNT_MINOR} minor units`)
    .meta({ description: `${what} in minor units (1999 = 19.99), from 0 to ${MAX_AMOUNT_MINOR}` });

/** The most units one order line may carry (quantities are stored as 32-bit integers). */
export const MAX_LINE_QUANTITY = 100_000;

/** A number of units of one line: 1 to MAX_LINE_QUANTITY. */
export const quantitySchema = z
  .number({ error: 'quantity must be a number' })
  .int('quantity is a whole number')
  .positive('quantity must be at least 1')
  .max(MAX_LINE_QUANTITY, `quantity is at most ${MAX_LINE_QUANTITY} units per line`);

export const staffIdSchema = text().trim().min(1, 'staffId names the person acting').max(100);

/** The deepest a list can be paged: beyond it, filter instead. */
export const MAX_OFFSET = 1_000_000;

export const paginationSchema = z.object({
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit is at least 1')
    .max(200, 'limit is at most 200')
    .default(50),
  offset: z.coerce
    .number({ error: 'offset must be a number' })
    .int('offset must be a whole number')
    .min(0, 'offset cannot be negative')
    .max(MAX_OFFSET, `offset is at most ${MAX_OFFSET}: filter the list instead`)
    .default(0),
});
