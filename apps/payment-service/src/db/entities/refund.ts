import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { REFUND_CHANNELS, REFUND_METHODS, REFUND_STATUSES } from '@cancelflow/domain';

/** The refund of one cancellation (at most one per cancellation), made of parts. */
export const Refund = defineEntity({
  name: 'Refund',
  tableName: 'refund',
  properties: {
    id: p.uuid().primary(),
    cancellationId: p.string().length(64).unique(),
    orderId: p.string().length(64),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    refundMethod: p.enum(REFUND_METHODS),
    status: p.enum(REFUND_STATUSES),
    /** 1 for the first request, +1 for every retry of a failed refund. */
    attempt: p.integer(),
    failureReason: p.string().length(500).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Refund = InferEntity<typeof Refund>;

/** One way the money of a refund reaches the customer: a card refund, a bank deposit, points… */
export const RefundPart = defineEntity({
  name: 'RefundPart',
  tableName: 'refund_part',
  properties: {
    id: p.uuid().primary(),
    refundId: p.uuid(),
    partNo: p.integer(),
    channel: p.enum(REFUND_CHANNELS),
    amount: p.bigint('number'),
    paymentReference: p.string().length(200).nullable(),
    status: p.enum(REFUND_STATUSES),
    providerRefundId: p.string().length(200).nullable(),
    /** `${cancellationId}:${partNo}:${attempt}`: what the provider deduplicates on. */
    idempotencyKey: p.string().length(200).unique(),
    attempt: p.integer(),
    failureReason: p.string().length(500).nullable(),
    settledAt: p.datetime().nullable(),
    /** When we last asked the provider for this part's status (no event had come). */
    providerCheckedAt: p.datetime().nullable(),
  },
  uniques: [{ properties: ['refundId', 'partNo'], name: 'refund_part_refund_id_part_no_unique' }],
});
export type RefundPartRow = InferEntity<typeof RefundPart>;

/** Points or store credit given back to the customer: our own ledger, no provider involved. */
export const LedgerEntry = defineEntity({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  properties: {
    id: p.uuid().primary(),
    orderId: p.string().length(64),
    kind: p.enum(['POINTS', 'STORE_CREDIT'] as const),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    refundPartId: p.uuid().unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type LedgerEntry = InferEntity<typeof LedgerEntry>;
