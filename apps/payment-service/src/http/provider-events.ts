import { Router } from 'express';
import { providerEventAnswerSchema, providerEventBodySchema, providerEventSchema, type ProviderEventApplied } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import type { PaymentBook } from '../refunds/index.ts';
import { NotFoundError, paymentReceivedEventSchema } from '@cancelflow/domain';
import type { UndoMoney } from '../undo/index.ts';

export function providerEventsRouter(book: PaymentBook, payments?: Pick<UndoMoney, 'handlePaymentReceived'>): Router {
  const router = Router();

  /**
   * The provider's webhook. A repeated event id answers 200 and changes nothing (providers retry);
   * an unknown providerRefundId answers 404.
   */
  router.post(
    '/provider-events',
    describe({
      summary:
        'A payment provider event: a refund settled or failed (the waiting cancellation goes on), or a payment request paid (the waiting undo goes on)',
      description:
        "The one way to pay a payment request an undo sent: the provider's `payment.received` event with the request's `paymentRequestId` and the `amount` paid. POST /payments records the payments an order was imported with and pays no request.",
      tags: ['refunds', 'undo'],
      access: { roles: ['SERVICE'], acrossMerchants: true },
      body: providerEventBodySchema,
      responses: {
        200: { description: 'the event was applied (or seen before)', schema: providerEventAnswerSchema },
        404: 'no refund with that provider id, or no payment request with that id',
      },
    }),
    async (req, res) => {
      // payment.received (a customer paid a payment request after an undo) besides the refund events;
      // each kind is checked by its own schema, so a bad event is told exactly what is missing.
      if ((req.body as { type?: unknown } | undefined)?.type === 'payment.received') {
        const received = parse(paymentReceivedEventSchema, req.body);
        if (!payments) throw new NotFoundError('this service takes no payment.received events');
        res.status(200).json(await payments.handlePaymentReceived(received));
        return;
      }
      const event = parse(providerEventSchema, req.body);
      const { duplicate, statusChanged, refund } = await book.handleProviderEvent(event);
      res.status(200).json({ duplicate, statusChanged, refund } satisfies ProviderEventApplied);
    },
  );

  return router;
}
