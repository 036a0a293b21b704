import { Router } from 'express';
import type { UndoMoney } from '../undo/undo-money.ts';

export function paymentRequestsRouter(money: UndoMoney): Router {
  const router = Router();

  /** A payment request sent to the customer when undoing a cancellation needs the money again. */
  router.get('/payment-requests/:id', async (req, res) => {
    res.json(await money.getPaymentRequest(req.params.id));
  });

  return router;
}
