/** The payments an order was paid with, as imported: recorded once per order and reference, known from the import on. */
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  NotFoundError,
  type OrderPaymentsBody,
  type PaymentBody,
  type RecordOrderPaymentsInput,
  type RecordPaymentInput,
} from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import { Payment, Refund, RefundPart } from '../db/entities/index.ts';
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
  const existingBefore = await em.findOne(Payment, where, { refresh: true });
  if (!existingBefore) {
    try {
      await em.insert(Payment, { id: randomUUID(), ...input, createdAt: new Date() });
      created = true;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  const payment = await em.findOneOrFail(Payment, where, { refresh: true });
  if (!created && (payment.method !== input.method || payment.amount !== input.amount || payment.currency !== input.currency)) {
    throw differentPayment(input.orderId, payment);
  }
  return { payment: paymentView(payment), created };
}

/**
 * The order's payments as it was imported, made known at once: the order and every payment in one
 * transaction, each payment inserted only if its (order, reference) is new, so a repeated import
 * (or a retried delivery of it) writes nothing twice. A payment already recorded differently under
 * the same reference keeps its first record and comes back in `differing`.
 */
export async function recordOrderPayments(
  em: EntityManager,
  input: RecordOrderPaymentsInput,
): Promise<{ recorded: number; differing: ConflictError[] }> {
  return em.fork().transactional(async (tem) => {
    let recorded = 0;
    for (const payment of input.payments) {
      const inserted = await tem.execute<{ id: string }[]>(
        `insert into "payments"."payment" ("id", "order_id", "method", "amount", "currency", "reference", "created_at")
         values (?, ?, ?, ?, ?, ?, ?) on conflict ("order_id", "reference") do nothing returning "id"`,
        [randomUUID(), input.orderId, payment.method, payment.amount, input.currency, payment.reference, new Date()],
      );
      recorded += inserted.length;
    }
    await tem.execute(
      `insert into "payments"."imported_order" ("order_id", "currency") values (?, ?) on conflict ("order_id") do nothing`,
      [input.orderId, input.currency],
    );
    const stored = await tem.find(Payment, { orderId: input.orderId }, { refresh: true });
    const differing = input.payments.flatMap((payment) => {
      const first = stored.find((s) => s.reference === payment.reference);
      return first && (first.method !== payment.method || first.amount !== payment.amount || first.currency !== input.currency)
        ? [differentPayment(input.orderId, first)]
        : [];
    });
    return { recorded, differing };
  });
}

const differentPayment = (orderId: string, payment: Payment) =>
  new ConflictError(
    `order ${orderId} already has payment ${payment.reference} of ${payment.amount} ${payment.currency} by ${payment.method}; ` +
      'a different payment needs a different reference',
  );

export type OrderPaymentsView = OrderPaymentsBody;

export async function orderPayments(em: EntityManager, orderId: string): Promise<OrderPaymentsView> {
  const [payments, refunds, imported] = await Promise.all([
    em.find(Payment, { orderId }, { orderBy: { createdAt: 'asc' }, refresh: true }),
    em.find(Refund, { orderId }, { orderBy: { createdAt: 'asc' }, refresh: true }),
    em.execute<{ currency: string }[]>(`select "currency" from "payments"."imported_order" where "order_id" = ?`, [orderId]),
  ]);
  // An order never imported is missing like any other thing, in the same words as the access check's.
  if (payments.length === 0 && refunds.length === 0 && imported.length === 0) throw new NotFoundError(`no order ${orderId}`);
  const parts = refunds.length ? await em.find(RefundPart, { refundId: { $in: refunds.map((r) => r.id) } }, { refresh: true }) : [];
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
    totals: { currency: payments[0]?.currency ?? refunds[0]?.currency ?? imported[0]?.currency ?? null, ...totals },
  };
}
