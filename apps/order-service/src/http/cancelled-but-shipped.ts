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
 * Cancelled-but-shipped chains: list, detail with its steps, support's record of the
 * customer's acknowledgement, and support's approval of the rebill.
 */
export function cancelledButShippedRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  const findChain = async (id: string | undefined): Promise<CancelledButShipped> => {
    const chainId = assertId(id, 'cancelled-but-shipped chain');
    const chain = await deps.db.em.fork().findOne(CancelledButShipped, { id: chainId });
    if (!chain) throw new NotFoundError(`no cancelled-but-shipped chain ${chainId}`);
    return chain;
  };

  const views = async (chains: readonly CancelledButShipped[]) => {
    const em = deps.db.em.fork();
    const ids = chains.map((c) => c.id);
    if (ids.length === 0) return [];
    const [lines, steps] = await Promise.all([
      em.find(CancelledButShippedLine, { chainId: { $in: ids } }),
      em.find(CancelledButShippedStepRecord, { chainId: { $in: ids } }, { orderBy: { at: 'asc', id: 'asc' } }),
    ]);
    const orderLines = await em.find(OrderLine, { id: { $in: lines.map((l) => l.orderLineId) } });
    return chains.map((c) =>
      cancelledButShippedView(
        c,
        lines.filter((l) => l.chainId === c.id),
        orderLines,
        steps.filter((s) => s.chainId === c.id),
      ),
    );
  };

  router.get(
    '/cancelled-but-shipped',
    describe({
      summary: 'Cancelled-but-shipped chains (filter by status)',
      tags: ['cancelled but shipped'],
      access: { roles: ALL, list: true },
      query: listCancelledButShippedQuerySchema,
      responses: { 200: { description: 'a page of chains', schema: cancelledButShippedPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listCancelledButShippedQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), undefined);
      const where: FilterQuery<CancelledButShipped> = scope ? { merchantId: scope } : {};
      if (query.status) where.status = query.status;
      if (query.orderId) where.orderId = query.orderId;
      const [chains, total] = await deps.db.em.fork().findAndCount(CancelledButShipped, where, {
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      res.json({ items: await views(chains), total, limit: query.limit, offset: query.offset } satisfies CancelledButShippedPage);
    },
  );

  router.get(
    '/cancelled-but-shipped/:id',
    describe({
      summary: 'A cancelled-but-shipped chain with its steps',
      tags: ['cancelled but shipped'],
      access: { roles: ALL, owner: owners['cancelled-but-shipped chain']({ param: 'id' }) },
      responses: { 200: { description: 'the chain', schema: cancelledButShippedBodySchema }, 404: 'no such chain' },
    }),
    async (req, res) => {
      const chain = await findChain(req.params.id);
      const [view] = await views([chain]);
      res.json({
        ...view!,
        live: await liveState(deps, chain.workflowId, cancelledButShippedStateQuery),
      } satisfies CancelledButShippedBody);
    },
  );

  /** Support records the customer's acknowledgement, with the customer's own words as evidence. */
  router.post(
    '/cancelled-but-shipped/:id/acknowledgement',
    describe({
      summary: "Record the customer's acknowledgement (keep and pay, or return)",
      tags: ['cancelled but shipped'],
      access: { roles: ['SUPPORT'], owner: owners['cancelled-but-shipped chain']({ param: 'id' }) },
      body: recordAcknowledgementSchema,
      responses: {
        202: { description: 'the acknowledgement is recorded: the chain goes on', schema: acknowledgementRecordedSchema },
        404: 'no such chain',
        409: 'already acknowledged',
      },
    }),
    async (req, res) => {
      const chain = await findChain(req.params.id);
      const input = parse(recordAcknowledgementSchema, req.body);
      const result = await recordChainAcknowledgement(deps, chain, input);
      res.status(202).json({ chainId: chain.id, accepted: result.accepted, recordedBy: input.staffId } satisfies AcknowledgementRecorded);
    },
  );

  /** Support approves the rebill; a repeat answers with the first approval and changes nothing. */
  router.post(
    '/cancelled-but-shipped/:id/rebill-approval',
    describe({
      summary: 'Approve rebilling the customer',
      tags: ['cancelled but shipped'],
      access: { roles: ['SUPPORT'], owner: owners['cancelled-but-shipped chain']({ param: 'id' }) },
      body: approveRebillSchema,
      responses: {
        202: { description: 'the approval is recorded: the rebill follows', schema: rebillApprovedSchema },
        200: { description: 'the rebill was approved before: the first approval, nothing changed', schema: rebillApprovedSchema },
        404: 'no such chain',
        409: 'not waiting for a rebill approval',
      },
    }),
    async (req, res) => {
      const chain = await findChain(req.params.id);
      const input = parse(approveRebillSchema, req.body);
      if (!chain.rebillApprovedBy && (chain.status === 'RETURN_REQUESTED' || chain.status === 'COMPLETED')) {
        throw new ConflictError(
          `cannot approve the rebill: the chain is ${chain.status}${chain.status === 'RETURN_REQUESTED' ? ' (the customer refused or did not answer: the item comes back)' : ''}`,
        );
      }
      if (chain.rebillApprovedBy) {
        res.json({ chainId: chain.id, approvedBy: chain.rebillApprovedBy, duplicate: true } satisfies RebillApproved);
        return;
      }
      const result = await updateProcess(
        deps,
        chain.workflowId,
        approveRebillUpdate,
        [{ staffId: input.staffId }],
        chainProcess(deps, chain, 'approve the rebill'),
      );
      if (!result.approved)
        throw new ConflictError(`cannot approve the rebill: ${result.refusedBecause ?? 'the chain does not wait for it'}`);
      res
        .status(result.duplicate ? 200 : 202)
        .json({ chainId: chain.id, approvedBy: result.approvedBy, duplicate: result.duplicate } satisfies RebillApproved);
    },
  );

  return router;
}

/**
 * Records an acknowledgement of the chain: the one path for support's record and the customer's
 * own answer on the self-service page (via SELF_SERVICE; absent means support's record). Refuses
 * (409) a chain whose acknowledgement is settled or that does not wait for one; the workflow's
 * update refuses without changing anything.
 */
export async function recordChainAcknowledgement(
  deps: ServiceDeps,
  chain: CancelledButShipped,
  input: RecordAcknowledgementInput & { via?: RecordAcknowledgementArgs['via'] },
): Promise<{ accepted: boolean }> {
  if (chain.acknowledgement || chain.status === 'RETURN_REQUESTED' || chain.status === 'COMPLETED') {
    throw new ConflictError(
      `the acknowledgement of this chain is already settled (${chain.status}${chain.acknowledgement ? `, ${chain.acknowledgement.accepted ? 'accepted' : 'refused'} by ${chain.acknowledgement.by}` : ''})`,
    );
  }
  const result = await updateProcess(
    deps,
    chain.workflowId,
    recordAcknowledgementUpdate,
    [input],
    chainProcess(deps, chain, 'record the acknowledgement'),
  );
  if (!result.recorded)
    throw new ConflictError(`cannot record the acknowledgement: ${result.refusedBecause ?? 'the chain does not wait for it'}`);
  return { accepted: result.accepted ?? input.accepted };
}

/** How the chain's process answers `what` support or the customer asked of it. */
function chainProcess(deps: ServiceDeps, chain: CancelledButShipped, what: string): ProcessAnswers {
  return {
    process: 'the cancelled-but-shipped process',
    refused: `cannot ${what}`,
    // Say the chain's own status word (RETURN_REQUESTED, COMPLETED), not the process's run state.
    ended: async () => {
      const now = await deps.db.em.fork().findOne(CancelledButShipped, { id: chain.id });
      return `cannot ${what}: the chain is ${now?.status ?? chain.status} and its process has ended`;
    },
  };
}
