import { Router } from 'express';
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  ConflictError,
  NotFoundError,
  retryRefundSchema,
  UnavailableError,
  type CancellationBody,
  type RefundRetried,
  cancellationBodySchema,
  refundRetriedSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { cancellationStateQuery, retryRefundUpdate, type CancellationProcessState } from '@cancelflow/workflows/contracts/cancellation';
import { Cancellation, CancellationLine, CancellationStepRecord, Dispute, OrderLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { ALL, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { cancellationView } from './views.ts';

export function cancellationsRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  const findCancellation = async (id: string | undefined): Promise<Cancellation> => {
    const cancellationId = assertId(id, 'cancellation');
    const cancellation = await deps.db.em.fork().findOne(Cancellation, { id: cancellationId });
    if (!cancellation) throw new NotFoundError(`no cancellation ${cancellationId}`);
    return cancellation;
  };

  router.get(
    '/cancellations/:id',
    describe({
      summary: 'A cancellation: status, lines, steps and live process state',
      tags: ['cancellations'],
      access: { roles: ALL, owner: owners.cancellation({ param: 'id' }) },
      responses: { 200: { description: 'the cancellation', schema: cancellationBodySchema }, 404: 'no such cancellation' },
    }),
    async (req, res) => {
      const cancellation = await findCancellation(req.params.id);
      const em = deps.db.em.fork();
      const [lines, steps, dispute] = await Promise.all([
        em.find(CancellationLine, { cancellationId: cancellation.id }),
        em.find(CancellationStepRecord, { cancellationId: cancellation.id }, { orderBy: { at: 'asc' } }),
        em.findOne(Dispute, { cancellationId: cancellation.id }),
      ]);
      const orderLines = await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLineId) } });
      const live = await liveState(deps, cancellation.workflowId);
      res.json({ ...cancellationView(cancellation, lines, orderLines, steps, dispute), live } satisfies CancellationBody);
    },
  );

  router.post(
    '/cancellations/:id/retry-refund',
    describe({
      summary: 'Support retries a failed refund (update to the cancellation process)',
      tags: ['cancellations'],
      access: { roles: ['SUPPORT'], owner: owners.cancellation({ param: 'id' }) },
      body: retryRefundSchema,
      responses: {
        200: { description: 'the retry was accepted', schema: refundRetriedSchema },
        404: 'no such cancellation',
        409: 'the refund is not failed',
      },
    }),
    async (req, res) => {
      const cancellation = await findCancellation(req.params.id);
      const input = parse(retryRefundSchema, req.body);
      if (cancellation.status !== 'IN_PROGRESS') {
        throw new ConflictError(`the cancellation is ${cancellation.status}: only a cancellation whose refund failed can retry the refund`);
      }
      const handle = deps.temporal.workflow.getHandle(cancellation.workflowId);
      try {
        const result = await deps.temporal.withDeadline(Date.now() + deps.temporalTimeoutMs, () =>
          handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: input.staffId, ...(input.note ? { note: input.note } : {}) }] }),
        );
        res.json({ cancellationId: cancellation.id, workflowId: cancellation.workflowId, attempt: result.attempt } satisfies RefundRetried);
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          const reason = error.cause?.message ?? error.message;
          throw new ConflictError(`the refund cannot be retried: ${reason}`);
        }
        if (error instanceof WorkflowNotFoundError) {
          throw new ConflictError('the cancellation process is no longer running: there is no refund left to retry');
        }
        if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
          throw new UnavailableError('the cancellation process did not answer in time: try again shortly');
        }
        deps.logger.warn({ err: error, cancellationId: cancellation.id }, 'retry-refund update failed');
        throw new UnavailableError('the cancellation process cannot be reached now (Temporal is unreachable): try again shortly');
      }
    },
  );

  return router;
}

/** The running process's own view, best effort: left out when it is closed or unreachable. */
async function liveState(deps: ServiceDeps, workflowId: string): Promise<CancellationProcessState | undefined> {
  try {
    const handle = deps.temporal.workflow.getHandle(workflowId);
    return await deps.temporal.withDeadline(Date.now() + deps.liveStateTimeoutMs, async () => {
      const description = await handle.describe();
      if (description.status.name !== 'RUNNING') return undefined;
      return handle.query(cancellationStateQuery);
    });
  } catch {
    return undefined;
  }
}
