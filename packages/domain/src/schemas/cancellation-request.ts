import { z } from 'zod';
import { CANCELLATION_REASONS, REFUND_METHODS } from '../cancellation.ts';
import { CANCELLATION_REQUEST_SOURCES, CANCELLATION_REQUEST_STATUSES } from '../cancellation-request.ts';
import { RETURN_REASONS } from '../returns.ts';
import { idSchema, paginationSchema, quantitySchema, staffIdSchema, text, uuidSchema } from './common.ts';

const requestedLines = (what: string) =>
  z
    .array(
      z.object({
        lineId: idSchema,
        quantity: quantitySchema,
      }),
      { error: `lines must be a list of { lineId, quantity } to ${what}` },
    )
    .min(1, `name at least one line to ${what}`)
    .max(500);

/** POST /orders/:id/cancellation-requests: a customer (or the marketplace for them) asks to cancel. */
export const createCancellationRequestSchema = z.object({
  /** Follows from the caller's token (SERVICE: MARKETPLACE, staff: CUSTOMER_CONTACT); when given it must agree. */
  source: z
    .enum(CANCELLATION_REQUEST_SOURCES, {
      error: `source must be one of ${CANCELLATION_REQUEST_SOURCES.join(', ')}`,
    })
    .optional(),
  lines: requestedLines('cancel'),
  reason: z
    .enum(CANCELLATION_REASONS, { error: `reason must be one of ${CANCELLATION_REASONS.join(', ')}` })
    .refine((r) => r !== 'FILL_OR_KILL', { message: "FILL_OR_KILL is the system's reason, not a customer's" })
    .default('CUSTOMER_REQUEST'),
  comment: text().trim().max(1000, 'comment is at most 1000 characters').optional(),
});

/**
 * The header that makes POST /orders/:id/cancellation-requests safe to retry: the same key on the
 * same order answers the request it created (200), however often an answer was lost.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const cancellationRequestHeadersSchema = z.object({
  [IDEMPOTENCY_KEY_HEADER]: text()
    .trim()
    .min(1, 'Idempotency-Key is empty: send a unique value per request (a UUID), or leave the header out')
    .max(200, 'Idempotency-Key is at most 200 characters')
    .optional()
    .meta({ description: 'a unique value per request (a UUID): a retry with the same key and body answers the request it created, 200' }),
});
export type CreateCancellationRequestInput = z.infer<typeof createCancellationRequestSchema>;

/** The self-service page asks with the order's token: the source is always CUSTOMER_SELF_SERVICE. */
export const selfServiceCancellationRequestSchema = createCancellationRequestSchema.omit({ source: true });
export type SelfServiceCancellationRequestInput = z.infer<typeof selfServiceCancellationRequestSchema>;

/** POST /cancellation-requests/:id/accept */
export const acceptCancellationRequestSchema = z.object({
  staffId: staffIdSchema,
  refundMethod: z.enum(REFUND_METHODS, { error: `refundMethod must be one of ${REFUND_METHODS.join(', ')}` }).default('ORIGINAL_PAYMENT'),
  restock: z.boolean().default(false),
});
export type AcceptCancellationRequestInput = z.infer<typeof acceptCancellationRequestSchema>;

/** POST /cancellation-requests/:id/reject */
export const rejectCancellationRequestSchema = z.object({
  staffId: staffIdSchema,
  reason: text({ error: 'reason is required: tell the customer why' }).trim().min(1, 'reason is required: tell the customer why').max(1000),
});
export type RejectCancellationRequestInput = z.infer<typeof rejectCancellationRequestSchema>;

/** POST /cancellation-requests/:id/withdraw */
export const withdrawCancellationRequestSchema = z.object({
  comment: text().trim().max(1000).optional(),
});
export type WithdrawCancellationRequestInput = z.infer<typeof withdrawCancellationRequestSchema>;

/** GET /cancellation-requests: the merchant's queue. */
export const listCancellationRequestsQuerySchema = z.object({
  status: z.enum(CANCELLATION_REQUEST_STATUSES, { error: `status must be one of ${CANCELLATION_REQUEST_STATUSES.join(', ')}` }).optional(),
  orderId: uuidSchema('orderId').optional(),
  merchantId: text().trim().min(1).max(200).optional(),
  limit: paginationSchema.shape.limit,
  offset: paginationSchema.shape.offset,
});
export type ListCancellationRequestsQuery = z.infer<typeof listCancellationRequestsQuerySchema>;

/** POST /orders/:id/returns: shipped quantities only. */
export const createReturnSchema = z.object({
  lines: requestedLines('return'),
  reason: z.enum(RETURN_REASONS, { error: `reason must be one of ${RETURN_REASONS.join(', ')}` }),
  comment: text().trim().max(1000).optional(),
  cancellationRequestId: idSchema.optional(),
  /** The merchant's own number for the return (unique per merchant; the Merchant API's MerchantReturnNo). */
  merchantReturnNumber: z
    .string()
    .trim()
    .min(1, 'merchantReturnNumber cannot be empty')
    .max(50, 'merchantReturnNumber is at most 50 characters')
    .optional(),
});
export type CreateReturnInput = z.infer<typeof createReturnSchema>;
