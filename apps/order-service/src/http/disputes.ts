import { Router } from 'express';
import { LockMode } from '@mikro-orm/core';
import { cancellationWorkflowId, closeDisputeSchema, ConflictError, NotFoundError, disputeBodySchema } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { disputeClosedSignal } from '@cancelflow/workflows/contracts/cancellation';
import { Dispute } from '../db/entities/index.ts';
import { assertId, linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';
import { recordStepOnce } from '../db/cancellation-steps.ts';
import { ALL, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { signalProcess } from '../temporal/gateway.ts';
import { disputeView } from './views.ts';

export function disputesRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.get(
    '/disputes/:id',
    describe({
      summary: 'An eBay dispute opened by a cancellation',
      tags: ['disputes'],
      access: { roles: ALL, owner: owners.dispute({ param: 'id' }) },
      responses: { 200: { description: 'the dispute', schema: disputeBodySchema }, 404: 'no such dispute' },
    }),
    async (req, res) => {
      const id = assertId(req.params.id, 'dispute');
      const dispute = await deps.db.em.fork().findOne(Dispute, { id });
      if (!dispute) throw new NotFoundError(`no dispute ${id}`);
      res.json(disputeView(dispute));
    },
  );

  /** The marketplace closed the dispute: the cancellation that waits for it may go on. */
  router.post(
    '/disputes/:id/close',
    describe({
      summary: 'Close an eBay dispute: the waiting cancellation goes on',
      tags: ['disputes'],
      access: { roles: ['SERVICE', 'SUPPORT'], owner: owners.dispute({ param: 'id' }) },
      body: closeDisputeSchema,
      responses: { 200: { description: 'the dispute, closed', schema: disputeBodySchema }, 404: 'no such dispute', 409: 'already closed' },
    }),
    async (req, res) => {
      const id = assertId(req.params.id, 'dispute');
      const input = parse(closeDisputeSchema, req.body);
      const closed = await deps.db.em.fork().transactional(async (em) => {
        const found = await em.findOne(Dispute, { id });
        if (!found) throw new NotFoundError(`no dispute ${id}`);
        // Lock order first, then dispute: the same order every writer of an order takes locks in.
        const order = await lockOrderOrFail(em, found.orderId);
        const dispute = (await em.findOne(Dispute, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }))!;
        if (dispute.status === 'CLOSED') {
          throw new ConflictError(`dispute ${id} is already closed (${dispute.resolution ?? 'no resolution'})`);
        }
        dispute.status = 'CLOSED';
        dispute.resolution = input.resolution;
        dispute.note = input.note ?? null;
        dispute.closedAt = new Date();
        await em.flush();
        recordOrderEvent(
          em,
          order.id,
          'DISPUTE_CLOSED',
          { disputeId: id, resolution: input.resolution, cancellationId: dispute.cancellationId },
          order.channel,
        );
        // The cancellation's step is written with the closing it records.
        await recordStepOnce(em, {
          cancellationId: dispute.cancellationId,
          step: 'DISPUTE_CLOSED',
          detail: input.resolution,
          actor: order.channel,
        });
        await recomputeOrderStatus(em, order, await linesOf(em, order.id));
        await em.flush();
        await signalWorkflow(deps, dispute);
        return dispute;
      });
      res.json(disputeView(closed));
    },
  );

  return router;
}

async function signalWorkflow(deps: ServiceDeps, dispute: Dispute): Promise<void> {
  const sent = await signalProcess(
    deps,
    cancellationWorkflowId(dispute.cancellationId),
    disputeClosedSignal,
    [{ disputeId: dispute.id, resolution: dispute.resolution ?? '' }],
    {
      process: 'the cancellation process',
      unreachable: 'the cancellation process cannot be reached now (Temporal is unreachable): nothing was changed, try again shortly',
    },
  );
  // No process waits for it any more (finished or terminated): closing is still right.
  if (sent === 'NOT_RUNNING') deps.logger.warn({ disputeId: dispute.id }, 'dispute closed but its cancellation process is not running');
}
