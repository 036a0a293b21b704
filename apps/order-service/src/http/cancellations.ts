import { Router } from 'express';
import {
  ConflictError,
  NotFoundError,
  retryRefundSchema,
  type CancellationBody,
  type RefundRetried,
  cancellationBodySchema,
  refundRetriedSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { cancellationStateQuery, retryRefundUpdate } from '@cancelflow/workflows/contracts/cancellation';
import { Cancellation } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { ALL, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { liveState, updateProcess } from '../temporal/gateway.ts';
import { cancellationView } from './views.ts';
import { loadCancellationPage } from '../db/pages.ts';

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
      const { cancellation, lines, orderLines, steps, dispute } = await loadCancellationPage(deps.db.em.fork(), req.params.id);
      // Once CANCELLED the record is whole: the process is not asked (a read costs no Temporal call).
      const live =
        cancellation.status === 'IN_PROGRESS' ? await liveState(deps, cancellation.workflowId, cancellationStateQuery) : undefined;
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
      const result = await updateProcess(
        deps,
        cancellation.workflowId,
        retryRefundUpdate,
        [{ staffId: input.staffId, ...(input.note ? { note: input.note } : {}) }],
        {
          process: 'the cancellation process',
          refused: 'the refund cannot be retried',
          ended: 'the cancellation process is no longer running: there is no refund left to retry',
        },
      );
      res.json({ cancellationId: cancellation.id, workflowId: cancellation.workflowId, attempt: result.attempt } satisfies RefundRetried);
    },
  );

  return router;
}
