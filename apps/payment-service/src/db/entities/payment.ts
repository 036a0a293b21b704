import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PAYMENT_METHODS } from '@cancelflow/domain';

/** A payment the customer made for an order, as the channel reported it at import. */
export const Payment = defineEntity({
  name: 'Payment',
  tableName: 'payment',
  properties: {
    id: p.uuid().primary(),
    orderId: p.string().length(64),
    method: p.enum(PAYMENT_METHODS),
    amount: p.bigint('number'),
    currency: p.string().length(3),
    reference: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['orderId', 'reference'], name: 'payment_order_id_reference_unique' }],
});
export type Payment = InferEntity<typeof Payment>;
