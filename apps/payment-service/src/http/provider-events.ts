import { Router } from 'express';
import { providerEventSchema } from '@cancelflow/domain';
import { parse } from '@cancelflow/service-kit';
import type { PaymentBook } from '../refunds/index.ts';

export function providerEventsRouter(book: PaymentBook): Router {
  const router = Router();

  /**
   * The provider's webhook. A repeated event id answers 200 and changes nothing (providers retry);
   * an unknown providerRefundId answers 404.
   */
  router.post('/provider-events', async (req, res) => {
    const event = parse(providerEventSchema, req.body);
    const { duplicate, statusChanged, refund } = await book.handleProviderEvent(event);
    res.status(200).json({ duplicate, statusChanged, refund });
  });

  return router;
}
