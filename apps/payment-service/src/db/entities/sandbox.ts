import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** CANCELLED: a pending card refund the provider cancelled before it settled (an undo stopped it). */
export const SANDBOX_REFUND_STATUSES = ['PENDING', 'SETTLED', 'FAILED', 'CANCELLED'] as const;
export type SandboxRefundStatus = (typeof SANDBOX_REFUND_STATUSES)[number];
export const SANDBOX_FAULT_MODES = ['FAIL', 'FAIL_ONCE', 'SETTLE_MANUALLY', 'SETTLE_SILENTLY'] as const;

/**
 * The sandbox provider's own books: what a real provider keeps on its side. Persisted so that
 * several processes share it and a restart never forgets an idempotency key.
 */
export const SandboxRefund = defineEntity({
  name: 'SandboxRefund',
  tableName: 'sandbox_refund',
  properties: {
    providerRefundId: p.string().length(200).primary(),
    idempotencyKey: p.string().length(200).unique(),
    kind: p.enum(['CARD', 'BANK_DEPOSIT'] as const),
    orderId: p.string().length(64),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    paymentReference: p.string().length(200).nullable(),
    status: p.enum(SANDBOX_REFUND_STATUSES),
    failureReason: p.string().length(500).nullable(),
    /** Card refunds settle by themselves unless a SETTLE_MANUALLY fault said otherwise. */
    autoSettle: p.boolean(),
    /** A SETTLE_SILENTLY fault: the refund ends, its event is never sent. */
    silent: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
    settledAt: p.datetime().nullable(),
  },
});
export type SandboxRefund = InferEntity<typeof SandboxRefund>;

/** A test-mode control, like a provider's test cards: the newest one for an order decides. */
export const SandboxFault = defineEntity({
  name: 'SandboxFault',
  tableName: 'sandbox_fault',
  properties: {
    id: p.uuid().primary(),
    orderId: p.string().length(64),
    operation: p.string().length(20),
    mode: p.enum(SANDBOX_FAULT_MODES),
    failureReason: p.string().length(500),
    consumed: p.boolean(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type SandboxFault = InferEntity<typeof SandboxFault>;
