import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CANCELLED_BUT_SHIPPED_STATUSES, CANCELLED_BUT_SHIPPED_STEPS } from '@cancelflow/domain';
import type { RecordedAcknowledgement } from '@cancelflow/workflows/contracts/cancelled-but-shipped';

/** An advance ship notice: what left the warehouse, with which carrier and tracking number. */
export const Shipment = defineEntity({
  name: 'Shipment',
  tableName: 'shipment',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    /** The sender's number (or the tracking number): a repeat with it is the same shipment. */
    shipmentNumber: p.string(),
    carrier: p.string(),
    trackingNumber: p.string(),
    shippedAt: p.datetime(),
    createdAt: p.datetime(),
  },
});
export type Shipment = InferEntity<typeof Shipment>;

/** What a shipment took from one line: open quantity first, then cancelled (shipped after cancel). */
export const ShipmentLine = defineEntity({
  name: 'ShipmentLine',
  tableName: 'shipment_line',
  properties: {
    shipmentId: p.uuid().primary(),
    orderLineId: p.uuid().primary(),
    quantity: p.integer(),
    fromOpen: p.integer(),
    fromCancelled: p.integer(),
  },
});
export type ShipmentLine = InferEntity<typeof ShipmentLine>;

/** Cancelled but shipped: one cancelled-but-shipped process per shipment that covered cancelled quantities. */
export const CancelledButShipped = defineEntity({
  name: 'CancelledButShipped',
  tableName: 'cancelled_but_shipped',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    shipmentId: p.uuid().unique(),
    merchantId: p.string(),
    status: p.enum(CANCELLED_BUT_SHIPPED_STATUSES),
    /** Shipped-after-cancel quantity x unit price: exactly what the customer is rebilled. */
    amount: p.bigint('number'),
    currency: p.string(),
    workflowId: p.string(),
    /** The cancellations whose quantities shipped. */
    cancellationIds: p.json<string[]>(),
    acknowledgement: p.json<RecordedAcknowledgement>().nullable(),
    /** The acknowledgement as the payment service recorded it (the credit memo references it). */
    acknowledgementId: p.string().nullable(),
    rebillApprovedBy: p.string().nullable(),
    /** The return opened when the customer refused or did not answer. */
    returnId: p.uuid().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type CancelledButShipped = InferEntity<typeof CancelledButShipped>;

export const CancelledButShippedLine = defineEntity({
  name: 'CancelledButShippedLine',
  tableName: 'cancelled_but_shipped_line',
  properties: {
    cancelledButShippedId: p.uuid().primary(),
    orderLineId: p.uuid().primary(),
    quantity: p.integer(),
    unitPrice: p.bigint('number'),
  },
});
export type CancelledButShippedLine = InferEntity<typeof CancelledButShippedLine>;

export const CancelledButShippedStepRecord = defineEntity({
  name: 'CancelledButShippedStepRecord',
  tableName: 'cancelled_but_shipped_step',
  properties: {
    id: p.uuid().primary(),
    cancelledButShippedId: p.uuid(),
    step: p.enum(CANCELLED_BUT_SHIPPED_STEPS),
    key: p.string(),
    detail: p.text().nullable(),
    actor: p.string(),
    at: p.datetime(),
  },
});
export type CancelledButShippedStepRecord = InferEntity<typeof CancelledButShippedStepRecord>;
