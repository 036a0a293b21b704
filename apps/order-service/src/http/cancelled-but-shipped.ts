import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import {
  approveRebillSchema,
  ConflictError,
  listCancelledButShippedQuerySchema,
  NotFoundError,
  recordAcknowledgementSchema,
  type RecordAcknowledgementInput,
  type CancelledButShippedPage,
  type CancelledButShippedBody,
  type AcknowledgementRecorded,
  type RebillApproved,
  acknowledgementRecordedSchema,
  cancelledButShippedBodySchema,
  cancelledButShippedPageSchema,
  rebillApprovedSchema,
} from '@cancelflow/domain';
import { describe, merchantFilter, parse, principalOf } from '@cancelflow/service-kit';
import {
  approveRebillUpdate,
  cancelledButShippedStateQuery,
  recordAcknowledgementUpdate,
  type RecordAcknowledgementArgs,
} from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import { CancelledButShipped, CancelledButShippedLine, CancelledButShippedStepRecord, OrderLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { ALL, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { liveState, updateProcess, type ProcessAnswers } from '../temporal/gateway.ts';
import { cancelledButShippedView } from './shipment-views.ts';

/**
 * Cancelled-but-shipped processes: list, detail with its steps, support's record of the
 * customer's acknowledgement, and support's approval of the rebill.
 */
export function cancelledButShippedRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  const findCancelledButShipped = async (id: string | undefined): Promise<CancelledButShipped> => {
    const cancelledButShippedId = assertId(id, 'cancelled-but-shipped process');
    const cancelledButShipped = await deps.db.em.fork().findOne(CancelledButShipped, { id: cancelledButShippedId });
    if (!cancelledButShipped) throw new NotFoundError(`no cancelled-but-shipped process ${cancelledButShippedId}`);
    return cancelledButShipped;
  };

  const views = async (cancelledButShippedList: readonly CancelledButShipped[]) => {
    const em = deps.db.em.fork();
    const ids = cancelledButShippedList.map((c) => c.id);
    if (ids.length === 0) return [];
    const [lines, steps] = await Promise.all([
      em.find(CancelledButShippedLine, { cancelledButShippedId: { $in: ids } }),
      em.find(CancelledButShippedStepRecord, { cancelledButShippedId: { $in: ids } }, { orderBy: { at: 'asc', id: 'asc' } }),
    ]);
    const orderLines = await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLineId) } });
    return cancelledButShippedList.map((c) =>
      cancelledButShippedView(
        c,
        lines.filter((l) => l.cancelledButShippedId === c.id),
        orderLines,
        steps.filter((s) => s.cancelledButShippedId === c.id),
      ),
    );
  };

  router.get(
    '/cancelled-but-shipped',
    describe({
      summary: 'Cancelled-but-shipped processes (filter by status)',
      tags: ['cancelled but shipped'],
      access: { roles: ALL, list: true },
      query: listCancelledButShippedQuerySchema,
      responses: { 200: { description: 'a page of cancelled-but-shipped processes', schema: cancelledButShippedPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listCancelledButShippedQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), undefined);
      const where: FilterQuery<CancelledButShipped> = scope ? { merchantId: scope } : {};
      if (query.status) where.status = query.status;
      if (query.orderId) where.orderId = query.orderId;
      const [cancelledButShippedList, total] = await deps.db.em.fork().findAndCount(CancelledButShipped, where, {
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      res.json({
        items: await views(cancelledButShippedList),
        total,
        limit: query.limit,
        offset: query.offset,
      } satisfies CancelledButShippedPage);
    },
  );

  router.get(
    '/cancelled-but-shipped/:id',
    describe({
      summary: 'A cancelled-but-shipped process with its steps',
      tags: ['cancelled but shipped'],
      access: { roles: ALL, owner: owners['cancelled-but-shipped process']({ param: 'id' }) },
      responses: {
        200: { description: 'the cancelled-but-shipped process', schema: cancelledButShippedBodySchema },
        404: 'no such cancelled-but-shipped process',
      },
    }),
    async (req, res) => {
      const cancelledButShipped = await findCancelledButShipped(req.params.id);
      const [view] = await views([cancelledButShipped]);
      res.json({
        ...view!,
        live: await liveState(deps, cancelledButShipped.workflowId, cancelledButShippedStateQuery),
      } satisfies CancelledButShippedBody);
    },
  );

  /** Support records the customer's acknowledgement, with the customer's own words as evidence. */
  router.post(
    '/cancelled-but-shipped/:id/acknowledgement',
    describe({
      summary: "Record the customer's acknowledgement (keep and pay, or return)",
      tags: ['cancelled but shipped'],
      access: { roles: ['SUPPORT'], owner: owners['cancelled-but-shipped process']({ param: 'id' }) },
      body: recordAcknowledgementSchema,
      responses: {
        202: {
          description: 'the acknowledgement is recorded: the cancelled-but-shipped process goes on',
          schema: acknowledgementRecordedSchema,
        },
        404: 'no such cancelled-but-shipped process',
        409: 'already acknowledged',
      },
    }),
    async (req, res) => {
      const cancelledButShipped = await findCancelledButShipped(req.params.id);
      const input = parse(recordAcknowledgementSchema, req.body);
      const result = await recordCancelledButShippedAcknowledgement(deps, cancelledButShipped, input);
      res.status(202).json({
        cancelledButShippedId: cancelledButShipped.id,
        accepted: result.accepted,
        recordedBy: input.staffId,
      } satisfies AcknowledgementRecorded);
    },
  );

  /** Support approves the rebill; a repeat answers with the first approval and changes nothing. */
  router.post(
    '/cancelled-but-shipped/:id/rebill-approval',
    describe({
      summary: 'Approve rebilling the customer',
      tags: ['cancelled but shipped'],
      access: { roles: ['SUPPORT'], owner: owners['cancelled-but-shipped process']({ param: 'id' }) },
      body: approveRebillSchema,
      responses: {
        202: { description: 'the approval is recorded: the rebill follows', schema: rebillApprovedSchema },
        200: { description: 'the rebill was approved before: the first approval, nothing changed', schema: rebillApprovedSchema },
        404: 'no such cancelled-but-shipped process',
        409: 'not waiting for a rebill approval',
      },
    }),
    async (req, res) => {
      const cancelledButShipped = await findCancelledButShipped(req.params.id);
      const input = parse(approveRebillSchema, req.body);
      if (
        !cancelledButShipped.rebillApprovedBy &&
        (cancelledButShipped.status === 'RETURN_REQUESTED' || cancelledButShipped.status === 'COMPLETED')
      ) {
        throw new ConflictError(
          `cannot approve the rebill: the cancelled-but-shipped process is ${cancelledButShipped.status}${cancelledButShipped.status === 'RETURN_REQUESTED' ? ' (the customer refused or did not answer: the item comes back)' : ''}`,
        );
      }
      if (cancelledButShipped.rebillApprovedBy) {
        res.json({
          cancelledButShippedId: cancelledButShipped.id,
          approvedBy: cancelledButShipped.rebillApprovedBy,
          duplicate: true,
        } satisfies RebillApproved);
        return;
      }
      const result = await updateProcess(
        deps,
        cancelledButShipped.workflowId,
        approveRebillUpdate,
        [{ staffId: input.staffId }],
        cancelledButShippedProcess(deps, cancelledButShipped, 'approve the rebill'),
      );
      if (!result.approved)
        throw new ConflictError(
          `cannot approve the rebill: ${result.refusedBecause ?? 'the cancelled-but-shipped process does not wait for it'}`,
        );
      res.status(result.duplicate ? 200 : 202).json({
        cancelledButShippedId: cancelledButShipped.id,
        approvedBy: result.approvedBy,
        duplicate: result.duplicate,
      } satisfies RebillApproved);
    },
  );

  return router;
}

/**
 * Records an acknowledgement of the cancelled-but-shipped process: the one path for support's record and the customer's
 * own answer on the self-service page (via SELF_SERVICE; absent means support's record). Refuses
 * (409) a cancelled-but-shipped process whose acknowledgement is settled or that does not wait for one; the workflow's
 * update refuses without changing anything.
 */
export async function recordCancelledButShippedAcknowledgement(
  deps: ServiceDeps,
  cancelledButShipped: CancelledButShipped,
  input: RecordAcknowledgementInput & { via?: RecordAcknowledgementArgs['via'] },
): Promise<{ accepted: boolean }> {
  if (
    cancelledButShipped.acknowledgement ||
    cancelledButShipped.status === 'RETURN_REQUESTED' ||
    cancelledButShipped.status === 'COMPLETED'
  ) {
    throw new ConflictError(
      `the acknowledgement of this cancelled-but-shipped process is already settled (${cancelledButShipped.status}${cancelledButShipped.acknowledgement ? `, ${cancelledButShipped.acknowledgement.accepted ? 'accepted' : 'refused'} by ${cancelledButShipped.acknowledgement.by}` : ''})`,
    );
  }
  const result = await updateProcess(
    deps,
    cancelledButShipped.workflowId,
    recordAcknowledgementUpdate,
    [input],
    cancelledButShippedProcess(deps, cancelledButShipped, 'record the acknowledgement'),
  );
  if (!result.recorded)
    throw new ConflictError(
      `cannot record the acknowledgement: ${result.refusedBecause ?? 'the cancelled-but-shipped process does not wait for it'}`,
    );
  return { accepted: result.accepted ?? input.accepted };
}

/** How the cancelled-but-shipped process's process answers `what` support or the customer asked of it. */
function cancelledButShippedProcess(deps: ServiceDeps, cancelledButShipped: CancelledButShipped, what: string): ProcessAnswers {
  return {
    process: 'the cancelled-but-shipped process',
    refused: `cannot ${what}`,
    // Say the cancelled-but-shipped process's own status word (RETURN_REQUESTED, COMPLETED), not the process's run state.
    ended: async () => {
      const now = await deps.db.em.fork().findOne(CancelledButShipped, { id: cancelledButShipped.id });
      return `cannot ${what}: the cancelled-but-shipped process is ${now?.status ?? cancelledButShipped.status} and its process has ended`;
    },
  };
}
