import { Router } from 'express';
import { createReturnSchema, NotFoundError, type ReturnBody, returnBodySchema } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { OrderLine, Return, ReturnLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { createReturn } from '../returns/create-return.ts';
import { ALL, STAFF, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';

/** Returns of shipped quantities: never a cancellation (and a cancellation is never a return). */
export function returnsRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.post(
    '/orders/:id/returns',
    describe({
      summary: 'Record a return of shipped quantities',
      tags: ['returns'],
      access: { roles: STAFF, owner: owners.order({ param: 'id' }) },
      body: createReturnSchema,
      responses: {
        201: { description: 'the return', schema: returnBodySchema },
        404: 'no such order',
        409: 'the merchantReturnNumber is taken',
        422: 'more than was shipped',
      },
    }),
    async (req, res) => {
      const orderId = assertId(req.params.id, 'order');
      const input = parse(createReturnSchema, req.body);
      const { ret, lines, orderLines } = await createReturn(deps.db, orderId, input);
      const created = returnView(ret, lines, orderLines);
      res.status(201).location(`/returns/${created.id}`).json(created);
    },
  );

  router.get(
    '/returns/:id',
    describe({
      summary: 'A return',
      tags: ['returns'],
      access: { roles: ALL, owner: owners.return({ param: 'id' }) },
      responses: { 200: { description: 'the return', schema: returnBodySchema }, 404: 'no such return' },
    }),
    async (req, res) => {
      const id = assertId(req.params.id, 'return');
      const em = deps.db.em.fork();
      const ret = await em.findOne(Return, { id });
      if (!ret) throw new NotFoundError(`no return ${id}`);
      const [lines, orderLines] = await Promise.all([em.find(ReturnLine, { returnId: id }), em.find(OrderLine, { orderId: ret.orderId })]);
      res.json(returnView(ret, lines, orderLines));
    },
  );

  return router;
}

function returnView(r: Return, lines: readonly ReturnLine[], orderLines: readonly OrderLine[]): ReturnBody {
  return {
    id: r.id,
    orderId: r.orderId,
    merchantId: r.merchantId,
    reason: r.reason,
    comment: r.comment ?? undefined,
    status: r.status,
    cancellationRequestId: r.cancellationRequestId ?? undefined,
    merchantReturnNumber: r.merchantReturnNumber ?? undefined,
    createdAt: r.createdAt.toISOString(),
    lines: lines.map((l) => {
      const line = orderLines.find((o) => o.id === l.orderLineId);
      return { lineId: l.orderLineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity };
    }),
  };
}
