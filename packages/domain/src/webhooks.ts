/**
 * Outbound webhooks: which events a merchant's integration can subscribe to, which entry of the
 * order's timeline each one comes from, and how long a receiver that keeps failing is retried.
 * Pure rules: the order service maps its timeline with them, the delivery workflow waits with them.
 */

/** The events a subscription can ask for; each carries its resource as the API documents it. */
export const WEBHOOK_EVENT_TYPES = [
  'order.imported',
  'order.acknowledged',
  'cancellation.requested',
  'cancellation.in_progress',
  'cancellation.refund_failed',
  'cancellation.cancelled',
  'cancellation.undone',
  'cancellation_request.created',
  'cancellation_request.decided',
  'shipment.recorded',
  'cancelled_but_shipped.step',
  'undo.step',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What an event's `data` is: the resource it is about. */
export const WEBHOOK_RESOURCES = ['order', 'cancellation', 'cancellation_request', 'shipment', 'cancelled_but_shipped', 'undo'] as const;
export type WebhookResource = (typeof WEBHOOK_RESOURCES)[number];

export const RESOURCE_OF_EVENT: Readonly<Record<WebhookEventType, WebhookResource>> = {
  'order.imported': 'order',
  'order.acknowledged': 'order',
  'cancellation.requested': 'cancellation',
  'cancellation.in_progress': 'cancellation',
  'cancellation.refund_failed': 'cancellation',
  'cancellation.cancelled': 'cancellation',
  'cancellation.undone': 'cancellation',
  'cancellation_request.created': 'cancellation_request',
  'cancellation_request.decided': 'cancellation_request',
  'shipment.recorded': 'shipment',
  'cancelled_but_shipped.step': 'cancelled_but_shipped',
  'undo.step': 'undo',
};

export interface TimelineEntry {
  type: string;
  detail: Record<string, unknown>;
}

export interface WebhookEventSource {
  type: WebhookEventType;
  /** The id of the resource (the order's own id for order events). */
  resourceId: string;
  /** The step of a process, for the events that report steps. */
  step?: string;
}

const REQUEST_DECISIONS = new Set([
  'CANCELLATION_REQUEST_ACCEPTED',
  'CANCELLATION_REQUEST_AUTO_ACCEPTED',
  'CANCELLATION_REQUEST_REJECTED',
  'CANCELLATION_REQUEST_WITHDRAWN',
  'CANCELLATION_REQUEST_CLOSED_SHIPPED',
]);

const idIn = (detail: Record<string, unknown>, field: string): string | undefined => {
  const value = detail[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/**
 * The webhook event an entry of the order's timeline is, if it is one. The timeline is written in
 * the same transaction as every change of an order, which is what makes it the events' source.
 */
export function webhookEventOf(orderId: string, entry: TimelineEntry): WebhookEventSource | undefined {
  const { type, detail } = entry;
  if (type === 'IMPORTED') return { type: 'order.imported', resourceId: orderId };
  if (type === 'ACKNOWLEDGED') return { type: 'order.acknowledged', resourceId: orderId };
  if (type === 'SHIPMENT_RECORDED') {
    const shipmentId = idIn(detail, 'shipmentId');
    return shipmentId ? { type: 'shipment.recorded', resourceId: shipmentId } : undefined;
  }
  if (type.startsWith('CANCELLATION_REQUEST_')) {
    const requestId = idIn(detail, 'requestId');
    // Reminders and escalations go to the merchant by email: they change nothing an integration reads.
    if (!requestId || (type !== 'CANCELLATION_REQUEST_RECEIVED' && !REQUEST_DECISIONS.has(type))) return undefined;
    return type === 'CANCELLATION_REQUEST_RECEIVED'
      ? { type: 'cancellation_request.created', resourceId: requestId }
      : { type: 'cancellation_request.decided', resourceId: requestId, step: type.slice('CANCELLATION_REQUEST_'.length) };
  }
  if (type.startsWith('CANCELLED_BUT_SHIPPED_')) {
    const cancelledButShippedId = idIn(detail, 'cancelledButShippedId');
    return cancelledButShippedId
      ? { type: 'cancelled_but_shipped.step', resourceId: cancelledButShippedId, step: type.slice('CANCELLED_BUT_SHIPPED_'.length) }
      : undefined;
  }
  if (type.startsWith('UNDO_')) {
    const undoId = idIn(detail, 'undoId');
    return undoId ? { type: 'undo.step', resourceId: undoId, step: type.slice('UNDO_'.length) } : undefined;
  }
  if (type === 'CANCELLATION_STEP') {
    const cancellationId = idIn(detail, 'cancellationId');
    const step = idIn(detail, 'step');
    // RESERVED is the request itself, CANCELLED is told by cancellation.cancelled, and the
    // customer's email is not a change of the cancellation.
    if (!cancellationId || !step || step === 'RESERVED' || step === 'CANCELLED' || step === 'CUSTOMER_NOTIFIED') return undefined;
    return step === 'REFUND_FAILED'
      ? { type: 'cancellation.refund_failed', resourceId: cancellationId, step }
      : { type: 'cancellation.in_progress', resourceId: cancellationId, step };
  }
  if (type.startsWith('CANCELLATION_')) {
    const cancellationId = idIn(detail, 'cancellationId');
    if (!cancellationId) return undefined;
    if (type === 'CANCELLATION_REQUESTED') return { type: 'cancellation.requested', resourceId: cancellationId };
    if (type === 'CANCELLATION_COMPLETED') return { type: 'cancellation.cancelled', resourceId: cancellationId };
    if (type === 'CANCELLATION_UNDONE') return { type: 'cancellation.undone', resourceId: cancellationId };
    // Its steps come from the cancellation's own record (CANCELLATION_STEP), not from the timeline.
    return undefined;
  }
  return undefined;
}

export const WEBHOOK_SUBSCRIPTION_STATUSES = ['ACTIVE', 'DISABLED'] as const;
export type WebhookSubscriptionStatus = (typeof WEBHOOK_SUBSCRIPTION_STATUSES)[number];

/** PENDING: not yet accepted by the receiver (retrying); FAILED: given up after the retry window. */
export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** A receiver answers 2xx to accept an event; anything else (or no answer) is retried. */
export const isAccepted = (status: number): boolean => status >= 200 && status < 300;

/** How a failing receiver is retried: waits that double from `first` up to `longest`, for `window` in all. */
export interface WebhookRetrySchedule {
  firstMs: number;
  longestMs: number;
  windowMs: number;
}

export const WEBHOOK_RETRY_SCHEDULE: WebhookRetrySchedule = {
  firstMs: 30_000,
  longestMs: 6 * 60 * 60 * 1000,
  windowMs: 3 * 24 * 60 * 60 * 1000,
};

/** The wait after the n-th failed attempt (1-based). */
export function retryDelayMs(schedule: WebhookRetrySchedule, failedAttempts: number): number {
  const doubled = schedule.firstMs * 2 ** Math.min(failedAttempts - 1, 40);
  return Math.min(doubled, schedule.longestMs);
}

/**
 * The wait before the next attempt, or undefined when the next attempt would start after the
 * window that began with the first one: the delivery has failed for good.
 */
export function nextAttemptInMs(schedule: WebhookRetrySchedule, failedAttempts: number, sinceFirstAttemptMs: number): number | undefined {
  const delay = retryDelayMs(schedule, failedAttempts);
  return sinceFirstAttemptMs + delay > schedule.windowMs ? undefined : delay;
}

/**
 * One delivery process per subscription and order: the events of an order reach the receiver in
 * the order they happened, while different orders are delivered side by side.
 */
export const webhookDeliveryWorkflowId = (subscriptionId: string, orderId: string): string =>
  `webhook-delivery-${subscriptionId}-${orderId}`;

/** How long the receiver may tell its clock from ours apart: signatures older than this are refused. */
export const WEBHOOK_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The headers every delivery carries. */
export const WEBHOOK_HEADERS = {
  signature: 'CancelFlow-Signature',
  /** The event's id: the same on every attempt and redelivery, so a receiver can drop repeats. */
  idempotency: 'Idempotency-Key',
  eventType: 'CancelFlow-Event',
} as const;
