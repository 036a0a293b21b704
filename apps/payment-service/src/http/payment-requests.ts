import { Router } from 'express';
import { describe } from '@cancelflow/service-kit';
import type { UndoMoney } from '../undo/index.ts';
import { SERVICE_AND_SUPPORT, type PaymentOwners } from './owners.ts';
import { paymentRequestBodySchema } from '@cancelflow/domain';

export function paymentRequestsRouter(owners: PaymentOwners, money: UndoMoney): Router {
  const router = Router();

  /** A payment request sent to the customer when undoing a cancellation needs the money again. */
  router.get(
    '/payment-requests/:id',
    describe({
      summary: 'A payment request sent when undoing a cancellation needs the money again',
      tags: ['undo'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners['payment request']({ param: 'id' }) },
      responses: { 200: { description: 'the payment request', schema: paymentRequestBodySchema }, 404: 'no such payment request' },
    }),
    async (req, res) => {
      res.json(await money.getPaymentRequest(req.params.id));
    },
  );

  return router;
}
