import { z } from 'zod';
import { CANCELLATION_INITIATORS, CANCELLATION_REASONS, REFUND_METHODS } from '../cancellation.ts';
import { idSchema, quantitySchema, staffIdSchema, text } from './common.ts';
import { isUuid } from './common.ts';

export const createCancellationSchema = z.object({
  lines: z
    .array(
      z.object({
        lineId: idSchema,
        quantity: quantitySchema,
      }),
    )
    .min(1, 'name at least one line to cancel'),
  reason: z.enum(CANCELLATION_REASONS).refine((r) => r !== 'FILL_OR_KILL', {
    message: 'FILL_OR_KILL cancellations are made by the system when a line ships in part',
  }),
  comment: text().trim().max(1000).optional(),
  merchantCancellationNumber: text().trim().min(1, 'merchantCancellationNumber is required').max(64),
  refundMethod: z.enum(REFUND_METHODS).default('ORIGINAL_PAYMENT'),
  restock: z.boolean().default(false),
  initiator: z.enum(CANCELLATION_INITIATORS).exclude(['SYSTEM']).default('MERCHANT'),
});
export type CreateCancellationInput = z.infer<typeof createCancellationSchema>;

export const retryRefundSchema = z.object({
  staffId: staffIdSchema,
  note: text().trim().max(1000).optional(),
});
export type RetryRefundInput = z.infer<typeof retryRefundSchema>;

export const closeDisputeSchema = z.object({
  resolution: z.enum(['BUYER_REFUNDED_BY_MARKETPLACE', 'SELLER_REFUNDS', 'CLOSED_WITHOUT_REFUND']),
  note: text().trim().max(1000).optional(),
});
export type CloseDisputeInput = z.infer<typeof closeDisputeSchema>;

/**
 * GET /orders/:id/cancellation-eligibility?lines=<lineId>:<quantity>,...: the refund preview of
 * cancelling those quantities (without it: of cancelling everything cancellable now).
 */
export const cancellationEligibilityQuerySchema = z.object({
  lines: z
    .string()
    .trim()
    .max(4000)
    .transform((value, ctx) => {
      const lines: { lineId: string; quantity: number }[] = [];
      for (const entry of value.split(',').filter((e) => e.trim() !== '')) {
        const [lineId = '', quantity = ''] = entry.trim().split(':');
        if (!isUuid(lineId) || !/^[1-9]\d{0,5}$/.test(quantity)) {
          ctx.addIssue({ code: 'custom', message: `"${entry}" is not <lineId>:<quantity> (a line's id and a whole number of at least 1)` });
          return z.NEVER;
        }
        lines.push({ lineId: lineId.toLowerCase(), quantity: Number(quantity) });
      }
      if (lines.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'name at least one line as <lineId>:<quantity>, or leave lines out' });
        return z.NEVER;
      }
      return lines;
    })
    .optional(),
});
export type CancellationEligibilityQuery = z.infer<typeof cancellationEligibilityQuerySchema>;
