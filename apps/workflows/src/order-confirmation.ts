/**
 * The order confirmation email, with the customer's "view order" link (a signed token scoped to
 * this one order). A workflow, not a direct call: the notification service's sendEmail is an
 * activity on the notifications task queue, and a workflow is how a service asks for it durably —
 * it retries while the notification service or SMTP is down, and the id (from the order id)
 * makes a repeated import send nothing twice.
 */
import type { OrderConfirmationInput } from './contracts/order-confirmation.ts';
import { notifications } from './proxies.ts';

export async function orderConfirmationWorkflow(input: OrderConfirmationInput): Promise<{ messageId: string }> {
  return notifications.sendEmail({
    messageKey: `order-confirmation:${input.orderId}`,
    to: input.to,
    template: 'ORDER_CONFIRMATION',
    orderId: input.orderId,
    data: { ...input.data },
  });
}
