import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import {
  CANCELLATION_INITIATORS,
  CANCELLATION_REASONS,
  CANCELLATION_STATUSES,
  CANCELLATION_STEPS,
  REFUND_METHODS,
  REFUND_STATUSES,
} from '@cancelflow/domain';

export const Cancellation = defineEntity({
  name: 'Cancellation',
  tableName: 'cancellation',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    merchantId: p.string(),
    merchantCancellationNumber: p.string(),
    reason: p.enum(CANCELLATION_REASONS),
    comment: p.text().nullable(),
    initiator: p.enum(CANCELLATION_INITIATORS),
    refundMethod: p.enum(REFUND_METHODS),
    restock: p.boolean(),
    status: p.enum(CANCELLATION_STATUSES),
    /** What the cancellation refunds (its lines and any shipping), VAT included, in minor units. */
    amount: p.bigint('number'),
    /** The VAT in that amount. */
    vat: p.bigint('number'),
    /** The shipping charge it gives back (with the order's last open unit), VAT included. */
    shippingAmount: p.bigint('number'),
    shippingVat: p.bigint('number'),
    currency: p.string(),
    workflowId: p.string(),
    refundStatus: p.enum(REFUND_STATUSES).nullable(),
    refundFailureReason: p.text().nullable(),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
  },
});
export type Cancellation = InferEntity<typeof Cancellation>;

export const CancellationLine = defineEntity({
  name: 'CancellationLine',
  tableName: 'cancellation_line',
  properties: {
    cancellationId: p.uuid().primary(),
    orderLineId: p.uuid().primary(),
    quantity: p.integer(),
    /** What the cancellation refunds for this line, VAT included, in minor units. */
    amount: p.bigint('number'),
    vat: p.bigint('number'),
  },
});
export type CancellationLine = InferEntity<typeof CancellationLine>;

export const CancellationStepRecord = defineEntity({
  name: 'CancellationStepRecord',
  tableName: 'cancellation_step',
  properties: {
    id: p.uuid().primary(),
    cancellationId: p.uuid(),
    step: p.enum(CANCELLATION_STEPS),
    key: p.string(),
    detail: p.text().nullable(),
    actor: p.string(),
    at: p.datetime(),
  },
});
export type CancellationStepRecord = InferEntity<typeof CancellationStepRecord>;

export const DISPUTE_STATUSES = ['OPEN', 'CLOSED'] as const;

/** eBay: cancelling a paid, unshipped order opens a dispute the marketplace closes. */
export const Dispute = defineEntity({
  name: 'Dispute',
  tableName: 'dispute',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    cancellationId: p.uuid().unique(),
    status: p.enum(DISPUTE_STATUSES),
    resolution: p.string().nullable(),
    note: p.text().nullable(),
    openedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
  },
});
export type Dispute = InferEntity<typeof Dispute>;
