/**
 * What an imported order is owed, carried out durably once the import committed: the payment
 * service learns the order's payments (so it answers for the order from the import on, not from
 * its first cancellation), and the customer gets the order confirmation email with the "view
 * order" link (a signed token scoped to this one order). A workflow, not direct calls: both are
 * activities of other services' task queues, retried while a service or SMTP is down, and the id
 * (from the order id) makes a repeated import start nothing twice; each activity is idempotent on
 * the order (the payments on order and reference, the email on its message key).
 */
import { patched } from '@temporalio/workflow';
import { RECORD_PAYMENTS_AT_IMPORT, type OrderConfirmationInput } from './contracts/order-confirmation.ts';
import { notifications, payments } from './proxies.ts';

export async function orderConfirmationWorkflow(input: OrderConfirmationInput): Promise<{ messageId: string }> {
  const email = notifications.sendEmail({
    messageKey: `order-confirmation:${input.orderId}`,
    to: input.to,
    template: 'ORDER_CONFIRMATION',
    orderId: input.orderId,
    data: { ...input.data },
  });
  if (patched(RECORD_PAYMENTS_AT_IMPORT) && input.payments) {
    // Side by side, and each to its end: neither service being down holds up the other's step,
    // and one failing for good does not leave the other unfinished.
    const [sent, recorded] = await Promise.allSettled([email, payments.recordOrderPayments({ orderId: input.orderId, ...input.payments })]);
    if (sent.status === 'rejected') throw sent.reason;
    if (recorded.status === 'rejected') throw recorded.reason;
    return sent.value;
  }
  return email;
}
