/**
 * The building blocks of every answer the services send. Answers are written as zod schemas once,
 * here: the services build their bodies to these types, the OpenAPI documents carry them, the
 * console and the tests infer their types from them.
 */
import { z } from 'zod';

/** An instant as the services write it: ISO 8601 (toISOString). */
export const timestampSchema = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 instant' });

/** An amount in integer minor units of the currency next to it (1999 = 19.99 EUR). */
export const minorUnitsSchema = z.number().int().meta({ description: 'integer minor units (1999 = 19.99)' });

/** One recorded step of a process, as its record lists it (oldest first). */
export const stepRecordSchema = z
  .object({
    step: z.string(),
    key: z
      .string()
      .optional()
      .meta({ description: 'what the step was about, when it can happen more than once (a refund part, a reminder round ...)' }),
    detail: z.string().optional(),
    actor: z.string(),
    at: timestampSchema,
  })
  .meta({ id: 'StepRecord' });
export type StepRecordBody = z.infer<typeof stepRecordSchema>;

/** A page of a list: the items, how many match in all, and the window asked for. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int(),
    offset: z.number().int(),
  });

/** Every refusal and failure: a code a program can branch on and a message a person can act on. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'VALIDATION_FAILED, NOT_FOUND, CONFLICT, RULE_VIOLATED, UNAVAILABLE, ...' }),
      message: z.string().meta({ description: 'what is wrong and what to do about it' }),
      details: z.array(z.object({ path: z.string().optional(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** GET /healthz: the process is alive. */
export const healthBodySchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** GET /readyz: each thing the service needs, 'ok' or why it is down. */
export const readinessBodySchema = z
  .object({ status: z.enum(['ready', 'unavailable']), checks: z.record(z.string(), z.string()) })
  .meta({ id: 'Readiness' });
