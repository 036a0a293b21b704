import { z } from 'zod';
import { currencySchema } from './money.ts';
import { PAYMENT_METHODS } from '../order.ts';
import { idSchema, minorUnits, text } from './common.ts';

export const recordPaymentSchema = z.object({
  orderId: idSchema,
  method: z.enum(PAYMENT_METHODS),
  amount: minorUnits('amount'),
  currency: currencySchema,
  reference: text().trim().min(1, 'reference is required').max(200),
});
export type RecordPaymentInput = z.infer<typeof recordPaymentSchema>;

/** Events the payment provider sends us (webhooks); the sandbox provider sends the same. */
export const providerEventSchema = z.object({
  eventId: text().trim().min(1, 'eventId is required: providers retry, we deduplicate on it').max(200),
  type: z.enum(['refund.settled', 'refund.failed']),
  providerRefundId: text().trim().min(1, 'providerRefundId is required').max(200),
  /** The idempotency key we sent, as the provider echoes it back (its "merchant reference"). */
  merchantReference: text().trim().min(1).max(200).optional(),
  failureReason: text().trim().max(500).optional(),
});
export type ProviderEvent = z.infer<typeof providerEventSchema>;

/** POST /sandbox/payment-requests/:id/pay: the customer pays a payment request (a test control). */
export const sandboxPaySchema = z.object({
  amount: minorUnits('amount').refine((n) => n > 0, 'amount must be more than 0'),
  currency: currencySchema,
  /** The provider takes the payment but never sends payment.received (only asking finds it). */
  silent: z.boolean().default(false),
});
export type SandboxPayInput = z.infer<typeof sandboxPaySchema>;

/** Test-mode controls of the sandbox provider, like a real provider's test cards. */
export const sandboxFaultSchema = z.object({
  orderId: idSchema,
  operation: z.enum(['refund']),
  /** FAIL: every attempt fails; FAIL_ONCE: the next attempt fails, later ones succeed. */
  /** SETTLE_SILENTLY: the refund settles but the provider never sends its event (only asking finds it). */
  mode: z.enum(['FAIL', 'FAIL_ONCE', 'SETTLE_MANUALLY', 'SETTLE_SILENTLY']),
  failureReason: text().trim().max(500).default('card_declined'),
});
export type SandboxFault = z.infer<typeof sandboxFaultSchema>;

export const SANDBOX_OUTAGE_MODES = ['UNAVAILABLE', 'ANSWER_LOST'] as const;

/**
 * POST /sandbox/outage: the provider is down for every order for a while. UNAVAILABLE: it answers
 * 500 before doing anything; ANSWER_LOST: it takes the refund, then the answer is lost. Status
 * lookups fail and no provider event goes out until it is back.
 */
export const sandboxOutageSchema = z.object({
  seconds: z
    .number({ error: 'seconds must be a number of seconds' })
    .int('seconds must be a whole number')
    .min(1, 'seconds must be at least 1')
    .max(3600, 'seconds must be at most 3600 (an hour)'),
  mode: z.enum(SANDBOX_OUTAGE_MODES).default('UNAVAILABLE'),
});
export type SandboxOutageInput = z.infer<typeof sandboxOutageSchema>;
