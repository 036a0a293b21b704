import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import {
  assertReturnable,
  createReturnSchema,
  NotFoundError,
  RuleViolationError,
  type ReturnBody,
  returnBodySchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { CancellationRequest, OrderLine, Return, ReturnLine } from '../db/entities/index.ts';
import { assertId, linesOf, lockOrderOrFail, recordOrderEvent } from '../db/order-store.ts';
import { ALL, STAFF, ordersOwners } from './owners.ts';
import type { HttpDeps } from './deps.ts';

/** Returns of shipped quantities: never a cancellation (and a cancellation is never a return). */
export function returnsRouter(deps: HttpDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.post('/orders/:id/returns', describe({ summary: 'Record a return of shipped quantities', tags: ['returns'], access: { roles: STAFF, owner: owners.order({ param: 'id' }) }, body: createReturnSchema, responses: { 201: { description: 'the return', schema: returnBodySchema }, 404: 'no such order', 422: 'more than was shipped' } }), async (req, res) => {
    const orderId = assertId(req.params.id, 'order');
    const input = parse(createReturnSchema, req.body);
    const created = await deps.db.em.fork().transactional(async (em) => {
      const order = await lockOrderOrFail(em, orderId);
      const lines = await linesOf(em, order.id);
      assertReturnable(lines, input.lines);
      if (input.cancellationRequestId) {
        const request = await em.findOne(CancellationRequest, { id: assertId(input.cancellationRequestId, 'cancellation request'), orderId: order.id });
        if (!request) throw new RuleViolationError(`cancellation request ${input.cancellationRequestId} is not a request of this order`);
      }
      const ret = em.create(Return, {
        id: randomUUID(),
        orderId: order.id,
        merchantId: order.merchantId,
        reason: input.reason,
        comment: input.comment ?? null,
        status: 'OPEN',
        cancellationRequestId: input.cancellationRequestId ?? null,
        createdAt: new Date(),
      });
      await em.flush();
      const returned = input.lines.map((r) => {
        const line = lines.find((l) => l.id === r.lineId)!;
        line.returnedQuantity += r.quantity;
        return em.create(ReturnLine, { returnId: ret.id, orderLineId: line.id, quantity: r.quantity });
      });
      recordOrderEvent(em, order.id, 'RETURN_OPENED', { returnId: ret.id, reason: input.reason, lines: input.lines }, 'merchant');
      await em.flush();
      return returnView(ret, returned, lines);
    });
    res.status(201).location(`/returns/${created.id}`).json(created);
  });

  router.get('/returns/:id', describe({ summary: 'A return', tags: ['returns'], access: { roles: ALL, owner: owners.return({ param: 'id' }) }, responses: { 200: { description: 'the return', schema: returnBodySchema }, 404: 'no such return' } }), async (req, res) => {
    const id = assertId(req.params.id, 'return');
    const em = deps.db.em.fork();
    const ret = await em.findOne(Return, { id });
    if (!ret) throw new NotFoundError(`no return ${id}`);
    const [lines, orderLines] = await Promise.all([em.find(ReturnLine, { returnId: id }), em.find(OrderLine, { orderId: ret.orderId })]);
    res.json(returnView(ret, lines, orderLines));
  });

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
    createdAt: r.createdAt.toISOString(),
    lines: lines.map((l) => {
      const line = orderLines.find((o) => o.id === l.orderLineId);
      return { lineId: l.orderLineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity };
    }),
  };
}
