/** The payments an order was paid with, as imported: recorded once per order and reference. */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, type RecordPaymentInput, type PaymentBody, type OrderPaymentsBody } from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import { PaymentEntity, RefundEntity, RefundPartEntity, type Payment } from '../db/entities/index.ts';
import type { EntityManager } from './store.ts';
import { refundView } from './views.ts';
import { orderTotalsOf } from '../money/totals.ts';

export type PaymentView = PaymentBody;

export const paymentView = (payment: Payment): PaymentView => ({
  id: payment.id,
  orderId: payment.orderId,
  method: payment.method,
  amount: payment.amount,
  currency: payment.currency,
  reference: payment.reference,
  createdAt: payment.createdAt.toISOString(),
});

/** Insert if absent by (order, reference); the same payment again is not an error, a different one is. */
export async function recordPayment(em: EntityManager, input: RecordPaymentInput): Promise<{ payment: PaymentView; created: boolean }> {
  const where = { orderId: input.orderId, reference: input.reference };
  let created = false;
  const existingBefore = await em.findOne(PaymentEntity, where, { refresh: true });
  if (!existingBefore) {
    try {
      await em.insert(PaymentEntity, { id: randomUUID(), ...input, createdAt: new Date() });
      created = true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  const payment = await em.findOneOrFail(PaymentEntity, where, { refresh: true });
  if (!created && (payment.method !== input.method || payment.amount !== input.amount || payment.currency !== input.currency)) {
    throw new ConflictError(
      `order ${input.orderId} already has payment ${input.reference} of ${payment.amount} ${payment.currency} by ${payment.method}; ` +
        'a different payment needs a different reference',
    );
  }
  return { payment: paymentView(payment), created };
}

export type OrderPaymentsView = OrderPaymentsBody;

export async function orderPayments(em: EntityManager, orderId: string): Promise<OrderPaymentsView> {
  const [payments, refunds] = await Promise.all([
    em.find(PaymentEntity, { orderId }, { orderBy: { createdAt: 'asc' }, refresh: true }),
    em.find(RefundEntity, { orderId }, { orderBy: { createdAt: 'asc' }, refresh: true }),
  ]);
  if (payments.length === 0 && refunds.length === 0) {
    throw new NotFoundError(`no payments or refunds are recorded for order ${orderId}`);
  }
  const parts = refunds.length ? await em.find(RefundPartEntity, { refundId: { $in: refunds.map((r) => r.id) } }, { refresh: true }) : [];
  const totals = await orderTotalsOf(em, orderId, { payments, refundParts: parts });
  return {
    orderId,
    payments: payments.map(paymentView),
    refunds: refunds.map((refund) =>
      refundView(
        refund,
        parts.filter((part) => part.refundId === refund.id),
      ),
    ),
    totals: { currency: payments[0]?.currency ?? refunds[0]?.currency ?? null, ...totals },
  };
}
