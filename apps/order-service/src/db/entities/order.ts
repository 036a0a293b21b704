import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CHANNELS, ORDER_STATUSES, type PaymentMethod } from '@cancelflow/domain';

export interface ImportedPayment {
  method: PaymentMethod;
  amount: number;
  reference: string;
}

/** A discount on the whole order, VAT included, in minor units. */
export interface OrderDiscount {
  amount: number;
  description?: string;
}

export const Order = defineEntity({
  name: 'Order',
  tableName: 'order',
  properties: {
    id: p.uuid().primary(),
    /** A stable integer id beside the uuid, numbered by the database: the Merchant API's OrderId. */
    integerId: p.bigint('number').generated('by default as identity').autoincrement(),
    merchantId: p.string(),
    channel: p.enum(CHANNELS),
    channelOrderNo: p.string(),
    placedAt: p.datetime(),
    currency: p.string(),
    customerEmail: p.string(),
    customerName: p.string(),
    acknowledged: p.boolean(),
    /** When the shop acknowledged the order, and the shop's own number for it (named when acknowledging). */
    acknowledgedAt: p.datetime().nullable(),
    merchantOrderNo: p.string().nullable(),
    thirdPartyManaged: p.boolean(),
    selfServiceEnabled: p.boolean(),
    /** A customer's cancellation request waits for the merchant ("Cancellation requested"). */
    cancellationRequested: p.boolean().default(false),
    status: p.enum(ORDER_STATUSES),
    /** The payment summary as the channel reported it at import. */
    payments: p.json<ImportedPayment[]>(),
    discounts: p.json<OrderDiscount[]>(),
    /** The shipping charge, VAT included, in minor units. */
    shippingAmount: p.bigint('number'),
    /** Basis points (2100 = 21 %). */
    shippingVatRate: p.integer(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    version: p.integer().version(),
  },
});
export type Order = InferEntity<typeof Order>;

export const OrderLine = defineEntity({
  name: 'OrderLine',
  tableName: 'order_line',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    lineNo: p.integer(),
    sku: p.string(),
    quantity: p.integer(),
    /** Price of one unit, VAT included, in minor units of the order's currency. */
    unitPrice: p.bigint('number'),
    /** Basis points (2100 = 21 %). */
    vatRate: p.integer(),
    /** Discount on the whole line, VAT included, in minor units. */
    discount: p.bigint('number'),
    shippedQuantity: p.integer(),
    cancelledQuantity: p.integer(),
    returnedQuantity: p.integer(),
  },
});
export type OrderLine = InferEntity<typeof OrderLine>;

/** The order's timeline: what happened to it, by whom, oldest first. */
export const OrderEvent = defineEntity({
  name: 'OrderEvent',
  tableName: 'order_event',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    type: p.string(),
    detail: p.json<Record<string, unknown>>(),
    actor: p.string(),
    at: p.datetime(),
  },
});
export type OrderEvent = InferEntity<typeof OrderEvent>;
