import { Router } from 'express';
import { z } from 'zod';
import { createCreditMemoSchema, NotFoundError } from '@cancelflow/domain';
import { parse } from '@cancelflow/service-kit';
import { acknowledgementView, creditMemoView, rebillView, type RebillBook } from '../rebills/index.ts';

const rebillQuery = z
  .object({ chainId: z.string().trim().min(1).max(64).optional(), orderId: z.string().trim().min(1).max(64).optional() })
  .refine((q) => q.chainId || q.orderId, 'give chainId or orderId');

/** Credit memos, rebills and recorded acknowledgements of items shipped after cancellation. */
export function creditMemosRouter(book: RebillBook): Router {
  const router = Router();

  /** Refused (422) unless it references a recorded acknowledgement in which the customer accepted. */
  router.post('/credit-memos', async (req, res) => {
    const input = parse(createCreditMemoSchema, req.body);
    const { creditMemo, created } = await book.issueCreditMemo(input);
    res.status(created ? 201 : 200).location(`/credit-memos/${creditMemo.id}`).json(creditMemoView(creditMemo));
  });

  router.get('/credit-memos/:id', async (req, res) => {
    res.json(creditMemoView(await book.creditMemo(req.params.id)));
  });

  router.get('/acknowledgements/:id', async (req, res) => {
    const ack = await book.acknowledgement(req.params.id);
    if (!ack) throw new NotFoundError(`no recorded acknowledgement ${req.params.id}`);
    res.json(acknowledgementView(ack));
  });

  router.get('/rebills', async (req, res) => {
    const query = parse(rebillQuery, req.query, 'query');
    res.json({ items: (await book.rebillsOf(query)).map(rebillView) });
  });

  return router;
}
