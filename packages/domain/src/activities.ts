/**
 * The vocabulary the workflows and the services share: the task queues and the email templates.
 * The activity interfaces live in each process's contract module (apps/workflows/src/contracts).
 */

export const TASK_QUEUES = {
  orders: 'orders',
  payments: 'payments',
  notifications: 'notifications',
  cancellations: 'cancellations',
  /** Outbound webhooks (order service): a slow receiver never holds up the orders queue. */
  webhooks: 'webhooks',
} as const;

export const EMAIL_TEMPLATES = [
  'CANCELLATION_CONFIRMED',
  'REFUND_FAILED_SUPPORT',
  // The customer's cancellation request (and the order confirmation that links to it).
  'ORDER_CONFIRMATION',
  'CANCELLATION_REQUEST_RECEIVED',
  'CANCELLATION_REQUEST_REMINDER',
  'CANCELLATION_REQUEST_ESCALATION',
  'CANCELLATION_REQUEST_ACCEPTED',
  'CANCELLATION_REQUEST_REJECTED',
  'CANCELLATION_REQUEST_REJECTED_RETURN',
  // Cancelled but shipped (no links in any of them).
  'CANCELLED_BUT_SHIPPED',
  'CANCELLED_BUT_SHIPPED_REMINDER',
  'CANCELLED_BUT_SHIPPED_RETURN',
  'EMAIL_THREAD_FORWARD',
  // Undoing a cancellation: pay again (and reminders), and the undo done.
  'PAYMENT_REQUEST',
  'PAYMENT_REQUEST_REMINDER',
  'CANCELLATION_UNDONE',
  // A webhook subscription disabled after its receiver failed for the whole retry window.
  'WEBHOOK_SUBSCRIPTION_DISABLED',
] as const;
export type EmailTemplate = (typeof EMAIL_TEMPLATES)[number];
