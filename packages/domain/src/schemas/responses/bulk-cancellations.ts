/** The answers about bulk cancellation jobs: the dry run, the job and its progress, the running process. */
import { z } from 'zod';
import { BULK_CANCELLATION_OUTCOMES, BULK_CANCELLATION_SOURCES, BULK_CANCELLATION_STATUSES } from '../../bulk-cancellation.ts';
import { CANCELLATION_REASONS, REFUND_METHODS } from '../../cancellation.ts';
import { CHANNELS } from '../../channel-policies.ts';
import { minorUnitsSchema, pageOf, timestampSchema } from './common.ts';

/** Each order the job would handle, and what it would do with it as the order is now. */
export const bulkCancellationPlanItemSchema = z
  .object({
    itemNo: z.number().int().meta({ description: 'the order of the job, from 1 (a file: its row order)' }),
    orderId: z.string(),
    channel: z.enum(CHANNELS),
    channelOrderNo: z.string(),
    sku: z.string(),
    /** What the row asked for; absent: every open unit. */
    quantity: z.number().int().optional(),
    reason: z.enum(CANCELLATION_REASONS),
    outcome: z.enum(['WOULD_CANCEL', 'REFUSED', 'SKIPPED']),
    cancelQuantity: z.number().int().meta({ description: 'the units it would cancel' }),
    refund: minorUnitsSchema.optional().meta({ description: 'what it would refund, in minor units of currency' }),
    currency: z.string(),
    detail: z.string().optional().meta({ description: 'why it is refused or skipped, or what of it is skipped' }),
  })
  .meta({ id: 'BulkCancellationPlanItem' });
export type BulkCancellationPlanItem = z.infer<typeof bulkCancellationPlanItemSchema>;

/** POST /bulk-cancellations/dry-run: nothing is written, nothing started. */
export const bulkCancellationDryRunSchema = z
  .object({
    jobId: z.string().meta({ description: 'the id to start this job with (POST /bulk-cancellations with the same body and this jobId)' }),
    items: z.array(bulkCancellationPlanItemSchema),
    totals: z.object({
      orders: z.number().int(),
      wouldCancel: z.number().int().meta({ description: 'orders it would cancel units of' }),
      units: z.number().int(),
      refused: z.number().int(),
      skipped: z.number().int(),
      refunds: z.array(z.object({ currency: z.string(), amount: minorUnitsSchema })),
    }),
  })
  .meta({ id: 'BulkCancellationDryRun' });
export type BulkCancellationDryRun = z.infer<typeof bulkCancellationDryRunSchema>;

export const bulkCancellationProgressSchema = z
  .object({
    total: z.number().int(),
    processed: z.number().int(),
    cancelled: z.number().int(),
    refused: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
  })
  .meta({ id: 'BulkCancellationProgress' });
export type BulkCancellationProgress = z.infer<typeof bulkCancellationProgressSchema>;

export const BULK_CANCELLATION_PHASES = ['STARTING', 'RUNNING', 'PAUSED', 'STOPPING', 'STOPPED', 'COMPLETED'] as const;

/** What the running job says of itself (its query). */
export const bulkCancellationProcessStateSchema = z
  .object({
    jobId: z.string(),
    phase: z.enum(BULK_CANCELLATION_PHASES),
    progress: bulkCancellationProgressSchema,
    /** Runs of the process so far: a large job continues as new every few hundred orders. */
    run: z.number().int(),
  })
  .meta({ id: 'BulkCancellationProcessState', description: 'the running job, absent once it has finished' });
export type BulkCancellationProcessState = z.infer<typeof bulkCancellationProcessStateSchema>;

/** A job as GET /bulk-cancellations/:id shows it; progress is counted from the recorded outcomes. */
export const bulkCancellationBodySchema = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    source: z.enum(BULK_CANCELLATION_SOURCES),
    sku: z.string().optional(),
    reason: z.enum(CANCELLATION_REASONS).optional(),
    comment: z.string().optional(),
    refundMethod: z.enum(REFUND_METHODS),
    restock: z.boolean(),
    status: z.enum(BULK_CANCELLATION_STATUSES),
    workflowId: z.string(),
    createdBy: z.string(),
    createdAt: timestampSchema,
    finishedAt: timestampSchema.optional(),
    statusChangedAt: timestampSchema.optional().meta({ description: 'when the status last changed after the start' }),
    statusChangedBy: z
      .string()
      .optional()
      .meta({ description: 'who paused, resumed or stopped it last; absent when the job itself changed it (completed)' }),
    progress: bulkCancellationProgressSchema,
    live: bulkCancellationProcessStateSchema.optional(),
  })
  .meta({ id: 'BulkCancellation' });
export type BulkCancellationBody = z.infer<typeof bulkCancellationBodySchema>;

/** GET /bulk-cancellations: the jobs, newest first (without their live state: open one for it). */
export const bulkCancellationPageSchema = pageOf(bulkCancellationBodySchema.omit({ live: true })).meta({ id: 'BulkCancellationPage' });
export type BulkCancellationPage = z.infer<typeof bulkCancellationPageSchema>;

/** The columns of GET /bulk-cancellations/:id/result (text/csv, one row per order of the job). */
export const BULK_CANCELLATION_RESULT_COLUMNS = [
  'itemNo',
  'channel',
  'channelOrderNo',
  'sku',
  'quantity',
  'reason',
  'outcome',
  'cancelledQuantity',
  'cancellationId',
  'cancellationStatus',
  'refund',
  'currency',
  'detail',
] as const;

export const bulkCancellationResultCsvSchema = z.string().meta({
  description: `CSV with a header row: ${BULK_CANCELLATION_RESULT_COLUMNS.join(', ')}; outcome is ${BULK_CANCELLATION_OUTCOMES.join(', ')} or NOT_RUN (the job stopped or has not reached it yet)`,
});
