import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** What the sandbox channel adapter told the marketplace. */
export const ChannelMessage = defineEntity({
  name: 'ChannelMessage',
  tableName: 'channel_message',
  properties: {
    id: p.uuid().primary(),
    idempotencyKey: p.string().unique(),
    orderId: p.uuid(),
    channel: p.string(),
    channelOrderNo: p.string(),
    kind: p.string(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
  },
});
export type ChannelMessage = InferEntity<typeof ChannelMessage>;

/** What the sandbox inventory adapter told the inventory system. */
export const InventoryMovement = defineEntity({
  name: 'InventoryMovement',
  tableName: 'inventory_movement',
  properties: {
    id: p.uuid().primary(),
    idempotencyKey: p.string().unique(),
    orderId: p.uuid(),
    sku: p.string(),
    /** Positive: back into stock. */
    quantity: p.integer(),
    reason: p.string(),
    reference: p.string(),
    createdAt: p.datetime(),
  },
});
export type InventoryMovement = InferEntity<typeof InventoryMovement>;
