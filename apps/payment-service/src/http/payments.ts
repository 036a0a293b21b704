import { Router } from 'express';
import { idSchema, recordPaymentSchema, errorBodySchema, orderPaymentsSchema, paymentBodySchema } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import type { PaymentBook } from '../refunds/index.ts';
import type { PaymentOwners } from './owners.ts';

export function paymentsRouter(owners: PaymentOwners, book: PaymentBook): Router {
  const router = Router();

  /** Records a payment of an order; the same order and reference again answers 200, not a second payment. */
  router.post(
    '/payments',
    describe({
      summary: 'Record a payment of an order (idempotent on its reference)',
      tags: ['payments'],
      access: { roles: ['SERVICE'], owner: owners.order({ body: 'orderId' }) },
      body: recordPaymentSchema,
      responses: {
        201: { description: 'the payment, recorded', schema: paymentBodySchema },
        200: { description: 'the payment, recorded before', schema: paymentBodySchema },
      },
    }),
    async (req, res) => {
      const input = parse(recordPaymentSchema, req.body);
      const { payment, created } = await book.recordPayment(input);
      res.status(created ? 201 : 200).json(payment);
    },
  );

  /** The order's payments, refunds with their parts, and totals in minor units. */
  router.get(
    '/orders/:orderId/payments',
    describe({
      summary: 'The payments and refunds of an order',
      tags: ['payments'],
      access: { roles: ['SERVICE', 'SUPPORT', 'MERCHANT'], owner: owners.order({ param: 'orderId' }) },
      responses: {
        404: { description: 'the payment service knows no such order', schema: errorBodySchema },
        200: { description: 'payments and refunds of the order', schema: orderPaymentsSchema },
      },
    }),
    async (req, res) => {
      const orderId = parse(idSchema, req.params.orderId, 'orderId');
      res.json(await book.orderPayments(orderId));
    },
  );

  return router;
}
