import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_SUBSCRIPTION_STATUSES, type WebhookEventType } from '@cancelflow/domain';

/** A merchant's receiver of events: where they go, which ones, and the secret they are signed with (encrypted). */
export const WebhookSubscription = defineEntity({
  name: 'WebhookSubscription',
  tableName: 'webhook_subscription',
  properties: {
    id: p.uuid().primary(),
    merchantId: p.string(),
    url: p.string(),
    events: p.json<WebhookEventType[]>(),
    description: p.string().nullable(),
    email: p.string().nullable(),
    status: p.enum(WEBHOOK_SUBSCRIPTION_STATUSES),
    disabledReason: p.text().nullable(),
    disabledAt: p.datetime().nullable(),
    /** The delivery whose failure disabled it: giving up again on a retry finds it was this one. */
    disabledByDeliveryId: p.uuid().nullable(),
    secretCiphertext: p.text(),
    secretPrefix: p.string(),
    createdBy: p.string(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type WebhookSubscription = InferEntity<typeof WebhookSubscription>;

/** An event as it is sent: its body is frozen when the sweep builds it, so every attempt sends the same bytes. */
export const WebhookEvent = defineEntity({
  name: 'WebhookEvent',
  tableName: 'webhook_event',
  properties: {
    id: p.uuid().primary(),
    /** The order of the timeline entry it comes from: an order's events are delivered by it. */
    seq: p.bigint('number'),
    /** The timeline entry or step it comes from. */
    sourceId: p.uuid(),
    merchantId: p.string(),
    orderId: p.uuid(),
    type: p.string(),
    occurredAt: p.datetime(),
    /** The JSON body exactly as it is POSTed (text, not jsonb: its bytes are what the signature covers). */
    payload: p.text(),
  },
});
export type WebhookEvent = InferEntity<typeof WebhookEvent>;

/** One event for one subscription: the delivery log. */
export const WebhookDelivery = defineEntity({
  name: 'WebhookDelivery',
  tableName: 'webhook_delivery',
  properties: {
    id: p.uuid().primary(),
    subscriptionId: p.uuid(),
    eventId: p.uuid(),
    eventSeq: p.bigint('number'),
    orderId: p.uuid(),
    status: p.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: p.integer(),
    firstAttemptAt: p.datetime().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    lastStatus: p.integer().nullable(),
    lastError: p.text().nullable(),
    lastBody: p.text().nullable(),
    deliveredAt: p.datetime().nullable(),
    redelivery: p.boolean(),
    /** When its delivery process was last told about it; null: the sweep still has to. */
    nudgedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export type WebhookDelivery = InferEntity<typeof WebhookDelivery>;

export const webhookEntities = [WebhookSubscription, WebhookEvent, WebhookDelivery];
