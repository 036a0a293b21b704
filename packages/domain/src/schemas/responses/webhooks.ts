/** The answers of the webhook subscriptions API, and the event every delivery POSTs. */
import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES, WEBHOOK_SUBSCRIPTION_STATUSES } from '../../webhooks.ts';
import { pageOf, timestampSchema } from './common.ts';
import {
  cancellationBodySchema,
  cancellationRequestBodySchema,
  cancelledButShippedBodySchema,
  orderBodySchema,
  shipmentBodySchema,
  undoBodySchema,
} from './orders.ts';

export const webhookSubscriptionBodySchema = z
  .object({
    id: z.string(),
    merchantId: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    description: z.string().optional(),
    email: z.string().optional().meta({ description: 'who is told when the subscription is disabled' }),
    status: z.enum(WEBHOOK_SUBSCRIPTION_STATUSES),
    disabledReason: z.string().optional(),
    secretPrefix: z.string().meta({ description: "the secret's first characters, to tell secrets apart (never enough to sign)" }),
    createdBy: z.string(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    disabledAt: timestampSchema.optional(),
  })
  .strict()
  .meta({ id: 'WebhookSubscription' });
export type WebhookSubscriptionBody = z.infer<typeof webhookSubscriptionBodySchema>;

export const webhookSubscriptionCreatedSchema = webhookSubscriptionBodySchema
  .extend({
    secret: z.string().meta({ description: 'the signing secret: shown in this answer only; verify CancelFlow-Signature with it' }),
  })
  .strict()
  .meta({ id: 'WebhookSubscriptionCreated' });

export const webhookSubscriptionListSchema = z
  .object({ items: z.array(webhookSubscriptionBodySchema) })
  .strict()
  .meta({ id: 'WebhookSubscriptionList' });

const eventFields = {
  id: z.string().meta({ description: 'the event id; also the Idempotency-Key header of every delivery of it' }),
  occurredAt: timestampSchema,
  merchantId: z.string(),
  orderId: z.string(),
  step: z.string().optional().meta({ description: 'the step of the process, for events that report steps' }),
};

const eventOf = <T extends z.ZodType>(types: readonly (typeof WEBHOOK_EVENT_TYPES)[number][], data: T) =>
  z.object({ ...eventFields, type: z.enum(types), data }).strict();

/** What a delivery POSTs: the event with its resource as GET of that resource answers it (without live process state). */
export const webhookEventSchema = z
  .union([
    eventOf(['order.imported', 'order.acknowledged'], orderBodySchema),
    eventOf(
      ['cancellation.requested', 'cancellation.in_progress', 'cancellation.refund_failed', 'cancellation.cancelled', 'cancellation.undone'],
      cancellationBodySchema,
    ),
    eventOf(['cancellation_request.created', 'cancellation_request.decided'], cancellationRequestBodySchema),
    eventOf(['shipment.recorded'], shipmentBodySchema),
    eventOf(['cancelled_but_shipped.step'], cancelledButShippedBodySchema),
    eventOf(['undo.step'], undoBodySchema),
  ])
  .meta({ id: 'WebhookEvent' });
export type WebhookEventBody = z.infer<typeof webhookEventSchema>;

export const webhookDeliveryBodySchema = z
  .object({
    id: z.string(),
    subscriptionId: z.string(),
    eventId: z.string(),
    eventType: z.enum(WEBHOOK_EVENT_TYPES),
    orderId: z.string(),
    occurredAt: timestampSchema,
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int().nonnegative(),
    lastAttemptAt: timestampSchema.optional(),
    lastAnswer: z
      .object({
        status: z.number().int().optional().meta({ description: "the receiver's HTTP status, when it answered" }),
        error: z.string().optional().meta({ description: 'why there was no answer (timeout, connection closed, refused address)' }),
        body: z.string().optional().meta({ description: "the start of the receiver's answer" }),
      })
      .strict()
      .optional(),
    deliveredAt: timestampSchema.optional(),
    redelivery: z.boolean().meta({ description: 'asked for again by the merchant' }),
    createdAt: timestampSchema,
  })
  .strict()
  .meta({ id: 'WebhookDelivery' });
export type WebhookDeliveryBody = z.infer<typeof webhookDeliveryBodySchema>;

export const webhookDeliveryPageSchema = pageOf(webhookDeliveryBodySchema).meta({ id: 'WebhookDeliveryPage' });

export const webhookRedeliveryAcceptedSchema = z
  .object({ deliveries: z.array(webhookDeliveryBodySchema) })
  .strict()
  .meta({ id: 'WebhookRedeliveryAccepted' });
