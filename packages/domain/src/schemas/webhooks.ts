/** The bodies and queries of the webhook subscriptions API. */
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_DELIVERY_STATUSES, WEBHOOK_SUBSCRIPTION_STATUSES } from '../webhooks.ts';
import { text } from './common.ts';

const urlField = text({ error: 'url is required: the https address events are POSTed to' })
  .trim()
  .max(2000, 'url is at most 2000 characters')
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'url must be an absolute http(s) address without credentials, e.g. https://erp.example.com/cancelflow/events');

const eventsField = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `each event is one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), {
    error: 'events is required: the list of event types to receive',
  })
  .min(1, 'events names at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length, 'events names each event type once')
  .refine((events) => new Set(events).size === events.length, 'events names each event type once');

const emailField = z.email({ error: 'email must be an email address' }).max(320, 'email is at most 320 characters');

export const createWebhookSubscriptionSchema = z
  .object({
    url: urlField,
    events: eventsField,
    description: text().trim().max(200, 'description is at most 200 characters').optional(),
    email: emailField.optional().meta({ description: 'who is told when the subscription is disabled (default: the merchant mailbox)' }),
  })
  .strict();
export type CreateWebhookSubscriptionInput = z.infer<typeof createWebhookSubscriptionSchema>;

export const updateWebhookSubscriptionSchema = z
  .object({
    url: urlField.optional(),
    events: eventsField.optional(),
    description: text().trim().max(200, 'description is at most 200 characters').optional(),
    email: emailField.optional(),
    status: z
      .enum(WEBHOOK_SUBSCRIPTION_STATUSES, { error: 'status is ACTIVE or DISABLED' })
      .optional()
      .meta({ description: 'ACTIVE again resumes the deliveries that were waiting' }),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'name at least one of url, events, description, email, status');
export type UpdateWebhookSubscriptionInput = z.infer<typeof updateWebhookSubscriptionSchema>;

export const listWebhookSubscriptionsQuerySchema = z.object({
  merchantId: text().trim().min(1).max(200).optional(),
});

export const listWebhookDeliveriesQuerySchema = z.object({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES, { error: `status is one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1).max(200).default(50),
  offset: z.coerce.number({ error: 'offset must be a number' }).int('offset must be a whole number').min(0).default(0),
});

const instant = (field: string) =>
  z.iso.datetime({ offset: true, error: `${field} must be an ISO 8601 instant such as 2026-12-01T10:00:00Z` });

/** One event again (`eventId`), or every event of the subscription that happened in a time range. */
export const redeliverWebhookEventsSchema = z.union(
  [
    z.object({ eventId: z.uuid({ error: 'eventId must be the id of an event' }) }).strict(),
    z
      .object({ from: instant('from'), to: instant('to') })
      .strict()
      .refine((range) => Date.parse(range.from) <= Date.parse(range.to), { message: 'from must not be after to', path: ['to'] })
      .refine((range) => Date.parse(range.to) - Date.parse(range.from) <= 31 * 24 * 60 * 60 * 1000, {
        message: 'a range is at most 31 days',
        path: ['to'],
      }),
  ],
  { error: 'name eventId, or from and to (ISO 8601 instants)' },
);
export type RedeliverWebhookEventsInput = z.infer<typeof redeliverWebhookEventsSchema>;
