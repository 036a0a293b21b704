/**
 * Delivering a subscription's events of one order: the workflow type and id, its input, the
 * signal that tells it more events are waiting, and the activities it asks of the order service
 * (on the webhooks task queue) and of the notification service.
 */
import type { WebhookRetrySchedule } from '@cancelflow/domain/webhooks';
export type { NotificationActivities } from './notifications.ts';
export { webhookDeliveryWorkflowId } from '@cancelflow/domain/webhooks';

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** Signalled (with start) by the order service whenever deliveries for this subscription and order are waiting. */
export const WEBHOOK_DELIVERIES_WAITING_SIGNAL = 'webhookDeliveriesWaiting';

export interface WebhookDeliveryInput {
  subscriptionId: string;
  orderId: string;
  /** How a failing receiver is retried (default WEBHOOK_RETRY_SCHEDULE: 30 s doubling to 6 h, for 3 days). */
  retry?: WebhookRetrySchedule;
  /** How long the process waits for more events of the order before it ends (default 1 minute). */
  idleMs?: number;
}

export type NextWebhookDelivery =
  | { kind: 'DELIVERY'; deliveryId: string }
  /** Nothing waits for this subscription and order. */
  | { kind: 'EMPTY' }
  /** The subscription was disabled or deleted: its deliveries wait until it is active again. */
  | { kind: 'STOPPED' };

export interface WebhookAttempt {
  /** DELIVERED: the receiver answered 2xx; FAILED: it did not (retry); SKIPPED: nothing to send any more. */
  outcome: 'DELIVERED' | 'FAILED' | 'SKIPPED';
  /** What happened, for the log of the process ("HTTP 500", "timed out after 10000 ms"). */
  answer?: string;
}

export interface WebhookSubscriptionDisabled {
  /** Set when this give-up disabled the subscription (not when it was disabled already): the email to send. */
  notify?: { to: string; messageKey: string; data: Record<string, string | number | boolean | null> };
}

export interface WebhookActivities {
  /** The oldest waiting delivery of the subscription for the order (events of an order go out in the order they happened). */
  nextWebhookDelivery(input: { subscriptionId: string; orderId: string }): Promise<NextWebhookDelivery>;
  /** One POST of the delivery's event to the subscription's URL, recorded in the delivery log. */
  attemptWebhookDelivery(input: { deliveryId: string }): Promise<WebhookAttempt>;
  /** After the retry window: the delivery failed, the subscription is disabled. */
  giveUpWebhookDelivery(input: { deliveryId: string; reason: string }): Promise<WebhookSubscriptionDisabled>;
}
