import { z } from 'zod';
import { REFUND_METHODS } from '../cancellation.ts';
import { currencySchema } from './money.ts';
import { PAYMENT_METHODS } from '../order.ts';
import { idSchema, minorUnits, text } from './common.ts';

/** Input of the payments activity requestRefund (the workflow asks; we still check). */
export const requestRefundSchema = z.object({
  cancellationId: idSchema,
  orderId: idSchema,
  currency: currencySchema,
  amount: minorUnits('amount'),
  refundMethod: z.enum(REFUND_METHODS, {
    error: `refundMethod must be one of ${REFUND_METHODS.join(', ')}`,
  }),
  retry: z.boolean().optional(),
});
export type RequestRefundInput = z.infer<typeof requestRefundSchema>;

/** Input of the payments activity recordOrderPayments: the order's payments as imported (at the import, and again at a cancellation). */
export const recordOrderPaymentsSchema = z.object({
  orderId: idSchema,
  currency: currencySchema,
  payments: z.array(
    z.object({
      method: z.enum(PAYMENT_METHODS),
      amount: minorUnits('amount'),
      reference: text().trim().min(1, 'reference is required').max(200),
    }),
  ),
});
export type RecordOrderPaymentsInput = z.infer<typeof recordOrderPaymentsSchema>;

/** GET /refunds?cancellationId=… */
export const refundQuerySchema = z.object({
  cancellationId: idSchema.describe('the cancellation whose refund to show'),
});

/** POST /sandbox/refunds/:providerRefundId/settle: how the sandbox provider ends a refund. */
export const sandboxSettleSchema = z
  .object({
    outcome: z.enum(['SETTLED', 'FAILED'], { error: 'outcome must be SETTLED or FAILED' }).default('SETTLED'),
    failureReason: text().trim().min(1).max(500).optional(),
  })
  .default({ outcome: 'SETTLED' });
export type SandboxSettleInput = z.infer<typeof sandboxSettleSchema>;
