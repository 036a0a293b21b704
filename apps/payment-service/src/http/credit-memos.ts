import { Router } from 'express';
import { z } from 'zod';
import {
  createCreditMemoSchema,
  NotFoundError,
  text,
  type RebillList,
  creditMemoBodySchema,
  customerAcknowledgementBodySchema,
  rebillListSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { acknowledgementView, creditMemoView, rebillView, type RebillBook } from '../rebills/index.ts';
import { SERVICE_AND_SUPPORT, type PaymentOwners } from './owners.ts';

const rebillQuery = z
  .object({ cancelledButShippedId: text().trim().min(1).max(64).optional(), orderId: text().trim().min(1).max(64).optional() })
  .refine((q) => q.cancelledButShippedId || q.orderId, 'give cancelledButShippedId or orderId');

/** Credit memos, rebills and recorded acknowledgements of items shipped after cancellation. */
export function creditMemosRouter(owners: PaymentOwners, book: RebillBook): Router {
  const router = Router();

  /** Refused (422) unless it references a recorded acknowledgement in which the customer accepted. */
  router.post(
    '/credit-memos',
    describe({
      summary: "Issue a credit memo for a cancelled-but-shipped process (needs the customer's acknowledgement)",
      tags: ['cancelled but shipped'],
      access: { roles: ['SUPPORT'], owner: owners.order({ body: 'orderId' }), actsFor: { body: 'merchantId' } },
      body: createCreditMemoSchema,
      responses: {
        201: { description: 'the credit memo', schema: creditMemoBodySchema },
        200: { description: 'the same credit memo, issued before', schema: creditMemoBodySchema },
        422: 'no acknowledgement recorded',
      },
    }),
    async (req, res) => {
      const input = parse(createCreditMemoSchema, req.body);
      const { creditMemo, created } = await book.issueCreditMemo(input);
      res
        .status(created ? 201 : 200)
        .location(`/credit-memos/${creditMemo.id}`)
        .json(creditMemoView(creditMemo));
    },
  );

  router.get(
    '/credit-memos/:id',
    describe({
      summary: 'A credit memo',
      tags: ['cancelled but shipped'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners['credit memo']({ param: 'id' }) },
      responses: { 200: { description: 'the credit memo', schema: creditMemoBodySchema }, 404: 'no such credit memo' },
    }),
    async (req, res) => {
      res.json(creditMemoView(await book.creditMemo(req.params.id)));
    },
  );

  router.get(
    '/acknowledgements/:id',
    describe({
      summary: 'A customer acknowledgement of a cancelled-but-shipped process',
      tags: ['cancelled but shipped'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.acknowledgement({ param: 'id' }) },
      responses: { 200: { description: 'the acknowledgement', schema: customerAcknowledgementBodySchema }, 404: 'no such acknowledgement' },
    }),
    async (req, res) => {
      const ack = await book.acknowledgement(req.params.id);
      if (!ack) throw new NotFoundError(`no recorded acknowledgement ${req.params.id}`);
      res.json(acknowledgementView(ack));
    },
  );

  router.get(
    '/rebills',
    describe({
      summary: 'Rebills (filter by order or cancelled-but-shipped process)',
      tags: ['cancelled but shipped'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.order({ query: 'orderId', optional: true }) },
      query: rebillQuery,
      responses: { 200: { description: 'the rebills', schema: rebillListSchema } },
    }),
    async (req, res) => {
      const query = parse(rebillQuery, req.query, 'query');
      res.json({ items: (await book.rebillsOf(query)).map(rebillView) } satisfies RebillList);
    },
  );

  return router;
}
