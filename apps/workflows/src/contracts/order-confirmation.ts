/**
 * The order confirmation email, with the customer's self-service link: its workflow type and id,
 * input, and the activity it asks of the notification service.
 */
export type { NotificationActivities } from './notifications.ts';

export const ORDER_CONFIRMATION_WORKFLOW_TYPE = 'orderConfirmationWorkflow';

/** One confirmation per order: a repeated import starts nothing twice. */
export const orderConfirmationWorkflowId = (orderId: string): string => `order-confirmation-${orderId}`;

export interface OrderConfirmationInput {
  orderId: string;
  to: string;
  /** canCancel: whether the link's page lets the customer cancel (absent before the store setting was honoured: yes). */
  data: { orderNo: string; customerName: string; viewOrderUrl: string; expiresAt: string; lines: string; canCancel?: boolean };
}
