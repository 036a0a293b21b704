/** The payment service's answers: payments, refunds, money totals, payment requests, rebills, credit memos. */
import { z } from 'zod';
import { REFUND_METHODS } from '../../cancellation.ts';
import { ACKNOWLEDGEMENT_CHANNELS } from '../../cancelled-but-shipped.ts';
import { PAYMENT_METHODS } from '../../order.ts';
import { REFUND_CHANNELS, REFUND_STATUSES } from '../../refund.ts';
import { currencySchema } from '../money.ts';
import { SANDBOX_OUTAGE_MODES } from '../payments.ts';
import { minorUnitsSchema, timestampSchema } from './common.ts';

export const paymentBodySchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    method: z.enum(PAYMENT_METHODS),
    amount: minorUnitsSchema,
    currency: currencySchema,
    reference: z.string(),
    createdAt: timestampSchema,
  })
  .meta({ id: 'Payment' });
export type PaymentBody = z.infer<typeof paymentBodySchema>;

export const refundPartBodySchema = z
  .object({
    id: z.string(),
    partNo: z.number().int(),
    channel: z.enum(REFUND_CHANNELS),
    amount: minorUnitsSchema,
    paymentReference: z.string().nullable(),
    status: z.enum(REFUND_STATUSES),
    providerRefundId: z.string().nullable(),
    attempt: z.number().int(),
    failureReason: z.string().nullable(),
    settledAt: timestampSchema.nullable(),
  })
  .meta({ id: 'RefundPart' });
export type RefundPartBody = z.infer<typeof refundPartBodySchema>;

export const refundBodySchema = z
  .object({
    id: z.string(),
    cancellationId: z.string(),
    orderId: z.string(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    refundMethod: z.enum(REFUND_METHODS),
    status: z.enum(REFUND_STATUSES),
    attempt: z.number().int(),
    failureReason: z.string().nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    parts: z.array(refundPartBodySchema),
  })
  .meta({ id: 'Refund' });
export type RefundBody = z.infer<typeof refundBodySchema>;

export const refundListSchema = z.object({ refunds: z.array(refundBodySchema) }).meta({ id: 'RefundList' });
export type RefundList = z.infer<typeof refundListSchema>;

/** Minor units the order's money moved by, and what the merchant keeps. */
export const moneyTotalsSchema = z
  .object({
    currency: currencySchema.nullable(),
    charged: minorUnitsSchema,
    refunded: minorUnitsSchema.meta({ description: 'settled through the provider (card, bank)' }),
    ledgerReturned: minorUnitsSchema.meta({ description: 'points and store credit still given back (net of what undos took back)' }),
    recaptured: minorUnitsSchema,
    rebilled: minorUnitsSchema,
    paidAgain: minorUnitsSchema,
    net: z
      .number()
      .int()
      .meta({ description: 'what the merchant keeps: charged - refunded - ledgerReturned + recaptured + rebilled + paidAgain' }),
  })
  .meta({ id: 'MoneyTotals' });
export type MoneyTotalsBody = z.infer<typeof moneyTotalsSchema>;

export const orderPaymentsSchema = z
  .object({
    orderId: z.string(),
    payments: z.array(paymentBodySchema),
    refunds: z.array(refundBodySchema),
    totals: moneyTotalsSchema,
  })
  .meta({ id: 'OrderPayments' });
export type OrderPaymentsBody = z.infer<typeof orderPaymentsSchema>;

export const providerEventAppliedSchema = z
  .object({ duplicate: z.boolean(), statusChanged: z.boolean(), refund: refundBodySchema })
  .meta({ id: 'ProviderEventApplied' });
export type ProviderEventApplied = z.infer<typeof providerEventAppliedSchema>;

export const PAYMENT_REQUEST_STATUSES = ['OPEN', 'PAID', 'EXPIRED'] as const;

export const paymentRequestBodySchema = z
  .object({
    id: z.string(),
    undoId: z.string(),
    round: z.number().int(),
    orderId: z.string(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    status: z.enum(PAYMENT_REQUEST_STATUSES),
    dueAt: timestampSchema,
    paidAt: timestampSchema.nullable(),
  })
  .meta({ id: 'PaymentRequest' });
export type PaymentRequestBody = z.infer<typeof paymentRequestBodySchema>;

export const paymentReceivedAppliedSchema = z
  .object({ duplicate: z.boolean(), paymentRequest: paymentRequestBodySchema })
  .meta({ id: 'PaymentReceivedApplied' });
export type PaymentReceivedApplied = z.infer<typeof paymentReceivedAppliedSchema>;

export const customerAcknowledgementBodySchema = z
  .object({
    id: z.string(),
    cancelledButShippedId: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    accepted: z.boolean(),
    via: z.enum(ACKNOWLEDGEMENT_CHANNELS),
    recordedBy: z.string(),
    evidence: z.string(),
    messageId: z.string().optional(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    acknowledgedAt: timestampSchema,
  })
  .meta({ id: 'CustomerAcknowledgement' });
export type CustomerAcknowledgementBody = z.infer<typeof customerAcknowledgementBodySchema>;

export const rebillBodySchema = z
  .object({
    id: z.string(),
    cancelledButShippedId: z.string(),
    orderId: z.string(),
    acknowledgementId: z.string(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    status: z.enum(['SUCCEEDED']),
    providerChargeId: z.string(),
    approvedBy: z.string(),
    createdAt: timestampSchema,
  })
  .meta({ id: 'Rebill' });
export type RebillBody = z.infer<typeof rebillBodySchema>;

export const rebillListSchema = z.object({ items: z.array(rebillBodySchema) }).meta({ id: 'RebillList' });
export type RebillList = z.infer<typeof rebillListSchema>;

export const creditMemoBodySchema = z
  .object({
    id: z.string(),
    cancelledButShippedId: z.string(),
    orderId: z.string(),
    merchantId: z.string(),
    acknowledgementId: z.string(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    createdAt: timestampSchema,
  })
  .meta({ id: 'CreditMemo' });
export type CreditMemoBody = z.infer<typeof creditMemoBodySchema>;

// ---- sandbox (testing aids) ----

export const sandboxFaultArmedSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    operation: z.string(),
    mode: z.enum(['FAIL', 'FAIL_ONCE', 'SETTLE_MANUALLY', 'SETTLE_SILENTLY']),
    failureReason: z.string(),
    createdAt: timestampSchema,
  })
  .meta({ id: 'SandboxFault' });

export const sandboxOutageBodySchema = z
  .object({ mode: z.enum(SANDBOX_OUTAGE_MODES), startedAt: timestampSchema, until: timestampSchema })
  .meta({ id: 'SandboxOutage' });

export const sandboxRefundSettledSchema = z
  .object({
    providerRefundId: z.string(),
    kind: z.enum(['CARD', 'BANK_DEPOSIT']),
    amount: minorUnitsSchema,
    currency: currencySchema,
    status: z.enum(['PENDING', 'SETTLED', 'FAILED', 'CANCELLED']),
    failureReason: z.string().nullable(),
    settledAt: timestampSchema.nullable(),
  })
  .meta({ id: 'SandboxRefundSettled' });

export const sandboxLedgerSpentSchema = z
  .object({ orderId: z.string(), kind: z.enum(['POINTS', 'STORE_CREDIT']), spent: minorUnitsSchema })
  .meta({ id: 'SandboxLedgerSpent' });

export const sandboxAuthorisationExpiredSchema = z
  .object({ orderId: z.string(), paymentReference: z.string(), expiresAt: timestampSchema })
  .meta({ id: 'SandboxAuthorisationExpired' });
export type SandboxFaultArmed = z.infer<typeof sandboxFaultArmedSchema>;
export type SandboxRefundSettled = z.infer<typeof sandboxRefundSettledSchema>;
export type SandboxOutageBody = z.infer<typeof sandboxOutageBodySchema>;
export type SandboxLedgerSpent = z.infer<typeof sandboxLedgerSpentSchema>;
export type SandboxAuthorisationExpired = z.infer<typeof sandboxAuthorisationExpiredSchema>;

/** POST /provider-events: a refund event applied (refund.*), or the payment a payment request asked for (payment.received). */
export const providerEventAnswerSchema = z
  .union([providerEventAppliedSchema, paymentReceivedAppliedSchema])
  .meta({ id: 'ProviderEventAnswer' });

export const sandboxPaymentTakenSchema = z
  .object({ paymentRequestId: z.string(), providerPaymentId: z.string(), amount: minorUnitsSchema, currency: currencySchema })
  .meta({ id: 'SandboxPaymentTaken' });
export type SandboxPaymentTaken = z.infer<typeof sandboxPaymentTakenSchema>;

export const OVERDUE_WAIT_KINDS = ['CARD_REFUND', 'BANK_DEPOSIT', 'PAYMENT_REQUEST'] as const;

/** A process waiting on the outside world longer than expected. */
export const overdueWaitBodySchema = z
  .object({
    kind: z.enum(OVERDUE_WAIT_KINDS),
    id: z.string().meta({ description: 'the refund part or payment request that waits' }),
    orderId: z.string(),
    cancellationId: z.string(),
    waitingFor: z.string(),
    providerId: z.string().nullable(),
    amount: minorUnitsSchema,
    currency: currencySchema,
    since: timestampSchema,
    expectedMs: z.number().int(),
    lastAskedAt: timestampSchema.nullable(),
  })
  .meta({ id: 'OverdueWait' });
export type OverdueWaitBody = z.infer<typeof overdueWaitBodySchema>;

export const overdueWaitListSchema = z.object({ waits: z.array(overdueWaitBodySchema) }).meta({ id: 'OverdueWaitList' });
export type OverdueWaitList = z.infer<typeof overdueWaitListSchema>;
