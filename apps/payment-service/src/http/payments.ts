import { Router } from 'express';
import { idSchema, recordPaymentSchema } from '@cancelflow/domain';
import { parse } from '@cancelflow/service-kit';
import type { PaymentBook } from '../refunds/index.ts';

export function paymentsRouter(book: PaymentBook): Router {
  const router = Router();

  /** Records a payment of an order; the same order and reference again answers 200, not a second payment. */
  router.post('/payments', async (req, res) => {
    const input = parse(recordPaymentSchema, req.body);
    const { payment, created } = await book.recordPayment(input);
    res.status(created ? 201 : 200).json(payment);
  });

  /** The order's payments, refunds with their parts, and totals in minor units. */
  router.get('/orders/:orderId/payments', async (req, res) => {
    const orderId = parse(idSchema, req.params.orderId, 'orderId');
    res.json(await book.orderPayments(orderId));
  });

  return router;
}
