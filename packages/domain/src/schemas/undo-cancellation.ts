import { z } from 'zod';
import { idSchema, minorUnits, staffIdSchema, text, uuidSchema } from './common.ts';
import { providerEventSchema } from './payments.ts';

/** POST /cancellations/:id/undo: the merchant or support reopens what a cancellation took. */
export const undoCancellationSchema = z
  .object({
    reason: z
      .string({ error: 'reason is required: why the cancellation is undone (e.g. "customer changed their mind")' })
      .trim()
      .min(3, 'reason is required: why the cancellation is undone (e.g. "customer changed their mind")')
      .max(1000),
    staffId: staffIdSchema,
  })
  .strict();
export type UndoCancellationInput = z.infer<typeof undoCancellationSchema>;

/** The provider tells us the customer paid a payment request (sent to pay again after an undo). */
export const paymentReceivedEventSchema = z.object({
  eventId: text().trim().min(1, 'eventId is required: providers retry, we deduplicate on it').max(200),
  type: z.literal('payment.received'),
  paymentRequestId: uuidSchema('paymentRequestId'),
  amount: minorUnits('amount'),
  providerPaymentId: text().trim().min(1).max(200).optional(),
});
export type PaymentReceivedEvent = z.infer<typeof paymentReceivedEventSchema>;

/**
 * Every body POST /provider-events takes: the refund events as before (unchanged, so existing
 * senders keep working) or payment.received.
 */
export const providerEventBodySchema = z.union([providerEventSchema, paymentReceivedEventSchema], {
  error: 'type must be refund.settled, refund.failed (with providerRefundId) or payment.received (with paymentRequestId and amount)',
});

/** POST /sandbox/ledger/:orderId/spend: the customer spends points or credit given back to them. */
export const sandboxLedgerSpendSchema = z
  .object({
    kind: z.enum(['POINTS', 'STORE_CREDIT'], { error: 'kind must be POINTS or STORE_CREDIT' }),
    /** Default: everything of that kind given back on the order. */
    amount: minorUnits('amount')
      .refine((n) => n > 0, 'amount must be more than 0')
      .optional(),
  })
  .strict();
export type SandboxLedgerSpendInput = z.infer<typeof sandboxLedgerSpendSchema>;

/** POST /sandbox/authorisations/expire: the provider lets a card authorisation lapse now. */
export const sandboxExpireAuthorisationSchema = z
  .object({ orderId: idSchema, paymentReference: text().trim().min(1, 'paymentReference is required').max(200) })
  .strict();
