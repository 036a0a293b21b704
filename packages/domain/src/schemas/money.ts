import { z } from 'zod';
import { MAX_AMOUNT_MINOR, type Money } from '../money.ts';

/** ISO 4217 alphabetic code, upper case. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'currency must be an ISO 4217 code such as EUR or USD');

/** Money as integer minor units (cents) with a currency, within MAX_AMOUNT_MINOR either way. */
export const moneySchema: z.ZodType<Money> = z.object({
  amountMinor: z
    .number()
    .int('amountMinor must be a whole number of minor units (cents)')
    .min(-MAX_AMOUNT_MINOR, `amountMinor must be between -${MAX_AMOUNT_MINOR} and ${MAX_AMOUNT_MINOR} minor units`)
    .max(MAX_AMOUNT_MINOR, `amountMinor must be between -${MAX_AMOUNT_MINOR} and ${MAX_AMOUNT_MINOR} minor units`),
  currency: currencySchema,
});
