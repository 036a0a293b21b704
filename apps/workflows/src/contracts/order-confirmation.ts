/**
 * What an imported order is owed once its import committed: the payment service learns its
 * payments, and the customer gets the order confirmation email with the self-service link. Its
 * workflow type and id, input, and the activities it asks of the payment and notification services.
 */
import type { PaymentActivities } from './cancellation.ts';

export type { NotificationActivities } from './notifications.ts';
export type OrderConfirmationPaymentActivities = Pick<PaymentActivities, 'recordOrderPayments'>;

export const ORDER_CONFIRMATION_WORKFLOW_TYPE = 'orderConfirmationWorkflow';

/** One confirmation per order: a repeated import starts nothing twice. */
export const orderConfirmationWorkflowId = (orderId: string): string => `order-confirmation-${orderId}`;

/** Processes started before it had this step only sent the email; the first cancellation recorded the payments. */
export const RECORD_PAYMENTS_AT_IMPORT = 'order-payments-recorded-at-import';

export interface OrderConfirmationInput {
  orderId: string;
  to: string;
  /** canCancel: whether the link's page lets the customer cancel (absent before the store setting was honoured: yes). */
  data: { orderNo: string; customerName: string; viewOrderUrl: string; expiresAt: string; lines: string; canCancel?: boolean };
  /** The payments the order was imported with (absent in processes started before they were sent along). */
  payments?: Omit<Parameters<PaymentActivities['recordOrderPayments']>[0], 'orderId'>;
}
