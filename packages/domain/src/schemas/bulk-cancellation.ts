import { z } from 'zod';
import { BULK_CANCELLATION_STATUSES } from '../bulk-cancellation.ts';
import { CANCELLATION_REASONS, REFUND_METHODS } from '../cancellation.ts';
import { CHANNELS } from '../channel-policies.ts';
import { MAX_LINE_QUANTITY, paginationSchema, text, uuidSchema } from './common.ts';

/** The reasons a merchant gives; FILL_OR_KILL is the system's own. */
const merchantReasonSchema = z.enum(CANCELLATION_REASONS).refine((r) => r !== 'FILL_OR_KILL', {
  message: 'FILL_OR_KILL cancellations are made by the system when a line ships in part',
});

const skuSchema = text().trim().min(1, 'sku is required').max(100, 'sku is at most 100 characters');

/** The most a file may weigh (the 1 MB a request body may be): 10,000 rows of four columns fit in it. */
export const MAX_BULK_CANCELLATION_CSV_CHARS = 1_000_000;

/**
 * What every job is started with, whether it names a SKU or brings a file. jobId is the
 * caller's idempotency key: the same id again (a double click, a retry) is the same job.
 */
const jobOptions = {
  jobId: uuidSchema('jobId')
    .transform((id) => id.toLowerCase())
    .optional(),
  /** Support names the merchant; a merchant's own token already does. */
  merchantId: text().trim().min(1).max(64).optional(),
  comment: text().trim().max(1000).optional(),
  refundMethod: z.enum(REFUND_METHODS).default('ORIGINAL_PAYMENT'),
  restock: z.boolean().default(false),
};

/**
 * POST /bulk-cancellations (and /dry-run) as JSON: every open unit of `sku` across the
 * merchant's open orders, for `reason`; or `csv`, the text of a file of rows (see
 * bulkCancellationRowSchema). Exactly one of the two.
 */
export const startBulkCancellationSchema = z
  .object({
    ...jobOptions,
    sku: skuSchema.optional(),
    reason: merchantReasonSchema.optional(),
    csv: text().max(MAX_BULK_CANCELLATION_CSV_CHARS, `csv is at most ${MAX_BULK_CANCELLATION_CSV_CHARS} characters`).optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.sku === undefined) === (body.csv === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['sku'], message: 'name a sku (every open unit of it) or send a csv of rows, not both' });
    }
    if (body.sku !== undefined && body.reason === undefined) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'reason is required with a sku (e.g. OUT_OF_STOCK or DEFECTIVE)' });
    }
  });
export type StartBulkCancellationInput = z.infer<typeof startBulkCancellationSchema>;

/**
 * POST /bulk-cancellations (and /dry-run) with Content-Type: text/csv: the file itself. Its bound
 * is the route's body limit (bytes, answered 413), not a count of characters, so it has no max here.
 */
export const bulkCancellationFileSchema = z.string().meta({
  description:
    'a header row (channelOrderNo,sku,quantity,reason and, where an order number is on two channels, channel), then one row per order and SKU; at most 1 MB (a larger file is refused with 413)',
  example: 'channelOrderNo,sku,quantity,reason\nWS-1001,MUG,2,OUT_OF_STOCK\n',
});

/** POST /bulk-cancellations with a text/csv body: the job's options in the query string. */
export const bulkCancellationCsvQuerySchema = z.object({
  ...jobOptions,
  restock: z
    .enum(['true', 'false'], { error: 'restock is true or false' })
    .transform((v) => v === 'true')
    .default(false),
});

/**
 * One row of a file, as text: the channel order number, the SKU, how many units and why; the
 * channel too where one merchant has the same order number on two channels.
 */
export const BULK_CANCELLATION_CSV_COLUMNS = ['channelOrderNo', 'sku', 'quantity', 'reason'] as const;

export const bulkCancellationRowSchema = z.object({
  channelOrderNo: text().trim().min(1, 'channelOrderNo is required').max(100),
  sku: skuSchema,
  quantity: z
    .string()
    .trim()
    .regex(/^[1-9]\d*$/, 'quantity must be a whole number of at least 1')
    .transform(Number)
    .refine((n) => n <= MAX_LINE_QUANTITY, `quantity is at most ${MAX_LINE_QUANTITY}`),
  reason: z.string().trim().pipe(merchantReasonSchema),
  channel: z
    .string()
    .trim()
    .transform((c) => (c === '' ? undefined : c))
    .pipe(z.enum(CHANNELS).optional())
    .optional(),
});
export type BulkCancellationRow = z.infer<typeof bulkCancellationRowSchema>;

/** Pause, resume or stop a job: who did it. */
/** GET /bulk-cancellations: filter by merchant (support), status or SKU. */
export const listBulkCancellationsQuerySchema = paginationSchema.extend({
  merchantId: text().trim().min(1).max(200).optional(),
  status: z.enum(BULK_CANCELLATION_STATUSES, { error: `status must be one of ${BULK_CANCELLATION_STATUSES.join(', ')}` }).optional(),
  sku: skuSchema.optional(),
});

export const bulkCancellationControlSchema = z.object({
  staffId: text().trim().min(1).max(100).optional(),
});
