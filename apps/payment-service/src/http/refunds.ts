import { Router } from 'express';
import { NotFoundError, refundQuerySchema, type RefundList, refundBodySchema, refundListSchema } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import type { PaymentBook } from '../refunds/index.ts';
import { SERVICE_AND_SUPPORT, type PaymentOwners } from './owners.ts';

export function refundsRouter(owners: PaymentOwners, book: PaymentBook): Router {
  const router = Router();

  /** The refund of a cancellation: a list of at most one. */
  router.get(
    '/refunds',
    describe({
      summary: 'Refunds of a cancellation',
      tags: ['refunds'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.cancellation({ query: 'cancellationId' }) },
      query: refundQuerySchema,
      responses: { 200: { description: 'the refunds', schema: refundListSchema } },
    }),
    async (req, res) => {
      const { cancellationId } = parse(refundQuerySchema, req.query, 'query');
      const refund = await book.refundByCancellation(cancellationId);
      res.json({ refunds: refund ? [refund] : [] } satisfies RefundList);
    },
  );

  router.get(
    '/refunds/:id',
    describe({
      summary: 'A refund',
      tags: ['refunds'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.refund({ param: 'id' }) },
      responses: { 200: { description: 'the refund', schema: refundBodySchema }, 404: 'no such refund' },
    }),
    async (req, res) => {
      const refund = await book.refundById(req.params.id);
      if (!refund) throw new NotFoundError(`no refund ${req.params.id}`);
      res.json(refund);
    },
  );

  return router;
}
