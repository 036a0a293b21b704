import { z } from 'zod';

export const idSchema = z.string().min(1, 'id is required').max(64, 'id is at most 64 characters');
export const minorUnits = (what: string) =>
  z
    .number({ error: `${what} must be a number of minor units (e.g. 1999 for 19.99)` })
    .int(`${what} must be a whole number of minor units (e.g. 1999 for 19.99), never a decimal`)
    .nonnegative(`${what} cannot be negative`)
    .max(Number.MAX_SAFE_INTEGER, `${what} is too large`);
export const staffIdSchema = z.string().trim().min(1, 'staffId names the person acting').max(100);
export const paginationSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
