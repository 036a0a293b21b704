import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import {
  acceptCancellationRequestSchema,
  ConflictError,
  cancellationRequestHeadersSchema,
  createCancellationRequestSchema,
  IDEMPOTENCY_KEY_HEADER,
  listCancellationRequestsQuerySchema,
  rejectCancellationRequestSchema,
  requestSourceOfCaller,
  withdrawCancellationRequestSchema,
  type CancellationRequestPage,
  type CancellationRequestBody,
  type CancellationRequestAccepted,
  type CancellationRequestRejected,
  type CancellationRequestWithdrawn,
  cancellationRequestAcceptedSchema,
  cancellationRequestBodySchema,
  cancellationRequestCreatedSchema,
  cancellationRequestPageSchema,
  cancellationRequestRejectedSchema,
  cancellationRequestWithdrawnSchema,
} from '@cancelflow/domain';
import { describe, merchantFilter, parse, principalOf } from '@cancelflow/service-kit';
import {
  acceptCancellationRequestUpdate,
  cancellationRequestStateQuery,
  rejectCancellationRequestUpdate,
  withdrawCancellationRequestUpdate,
} from '@cancelflow/workflows/contracts/customer-cancellation-request';
import { CancellationRequest, CancellationRequestLine, OrderLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { createCancellationRequest } from '../requests/create-request.ts';
import { findRequestOrFail, requestLinesOf, requestView } from '../requests/request-store.ts';
import { ALL, STAFF, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { liveState, updateProcess, type ProcessAnswers } from '../temporal/gateway.ts';

/** The answers go to the request's process; a refusal keeps the activity's own error type. */
const REQUEST_PROCESS: ProcessAnswers = {
  process: 'the cancellation request process',
  ended: 'the cancellation request process is no longer running: the request can no longer be answered',
  unreachable: 'the cancellation request process cannot be reached now (Temporal is unreachable): nothing was changed, try again shortly',
};

/**
 * Customers' cancellation requests: asked for on an order, answered by the merchant (accept,
 * reject) or taken back by the customer (withdraw), each answer sent to the request's process.
 */
export function cancellationRequestsRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);
  const em = () => deps.db.em.fork();

  router.post(
    '/orders/:id/cancellation-requests',
    describe({
      summary: 'A customer asks to cancel (auto-accepted before the shop retrieved the order, else the merchant decides)',
      tags: ['cancellation requests'],
      access: { roles: ALL, owner: owners.order({ param: 'id' }) },
      headers: cancellationRequestHeadersSchema,
      body: createCancellationRequestSchema,
      responses: {
        201: { description: 'the request', schema: cancellationRequestCreatedSchema },
        200: { description: 'the request this Idempotency-Key created before (a retry)', schema: cancellationRequestCreatedSchema },
        404: 'no such order',
        409: 'a request is already waiting for the merchant, or the Idempotency-Key was used for a different request',
        422: 'the order cannot be cancelled now',
      },
    }),
    async (req, res) => {
      const orderId = assertId(req.params.id, 'order');
      const headers = parse(cancellationRequestHeadersSchema, { [IDEMPOTENCY_KEY_HEADER]: req.get(IDEMPOTENCY_KEY_HEADER) }, 'headers');
      const input = parse(createCancellationRequestSchema, req.body);
      const source = requestSourceOfCaller(principalOf(res).role, input.source);
      const idempotencyKey = headers[IDEMPOTENCY_KEY_HEADER];
      const { created, request } = await createCancellationRequest(
        deps,
        orderId,
        { ...input, source },
        idempotencyKey ? { idempotencyKey } : {},
      );
      res
        .status(created ? 201 : 200)
        .location(`/cancellation-requests/${request.requestId}`)
        .json(request);
    },
  );

  router.get(
    '/cancellation-requests',
    describe({
      summary: 'List cancellation requests (filter by status, order)',
      tags: ['cancellation requests'],
      access: { roles: ALL, list: true },
      query: listCancellationRequestsQuerySchema,
      responses: { 200: { description: 'a page of requests', schema: cancellationRequestPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listCancellationRequestsQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), query.merchantId);
      if (scope === null) return void res.json({ items: [], total: 0, limit: query.limit, offset: query.offset });
      const where: FilterQuery<CancellationRequest> = scope ? { merchantId: scope } : {};
      if (query.status) where.status = query.status;
      if (query.orderId) where.orderId = query.orderId;
      const fork = em();
      const [requests, total] = await fork.findAndCount(CancellationRequest, where, {
        // The merchant's queue: the longest waiting first.
        orderBy: { createdAt: 'asc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      const ids = requests.map((r) => r.id);
      const lines = ids.length ? await fork.find(CancellationRequestLine, { requestId: { $in: ids } }) : [];
      const orderLines = lines.length ? await fork.find(OrderLine, { id: { $in: lines.map((l) => l.orderLineId) } }) : [];
      res.json({
        items: requests.map((r) =>
          requestView(
            r,
            lines.filter((l) => l.requestId === r.id),
            orderLines,
          ),
        ),
        total,
        limit: query.limit,
        offset: query.offset,
      } satisfies CancellationRequestPage);
    },
  );

  router.get(
    '/cancellation-requests/:id',
    describe({
      summary: 'A cancellation request',
      tags: ['cancellation requests'],
      access: { roles: ALL, owner: owners['cancellation request']({ param: 'id' }) },
      responses: { 200: { description: 'the request', schema: cancellationRequestBodySchema }, 404: 'no such request' },
    }),
    async (req, res) => {
      const fork = em();
      const request = await findRequestOrFail(fork, req.params.id);
      const lines = await requestLinesOf(fork, request.id);
      const orderLines = await fork.find(OrderLine, { orderId: request.orderId });
      res.json({
        ...requestView(request, lines, orderLines),
        live: await liveState(deps, request.workflowId, cancellationRequestStateQuery),
      } satisfies CancellationRequestBody);
    },
  );

  router.post(
    '/cancellation-requests/:id/accept',
    describe({
      summary: 'The merchant accepts a request: the cancellation starts',
      tags: ['cancellation requests'],
      access: { roles: STAFF, owner: owners['cancellation request']({ param: 'id' }) },
      body: acceptCancellationRequestSchema,
      responses: {
        200: { description: 'the request, accepted', schema: cancellationRequestAcceptedSchema },
        404: 'no such request',
        409: 'the request is already decided',
      },
    }),
    async (req, res) => {
      const request = await openRequest(req.params.id);
      const input = parse(acceptCancellationRequestSchema, req.body);
      const accepted = await updateProcess(deps, request.workflowId, acceptCancellationRequestUpdate, [input], REQUEST_PROCESS);
      res.json({ requestId: request.id, status: 'ACCEPTED', ...accepted } satisfies CancellationRequestAccepted);
    },
  );

  router.post(
    '/cancellation-requests/:id/reject',
    describe({
      summary: 'The merchant rejects a request',
      tags: ['cancellation requests'],
      access: { roles: STAFF, owner: owners['cancellation request']({ param: 'id' }) },
      body: rejectCancellationRequestSchema,
      responses: {
        200: { description: 'the request, rejected', schema: cancellationRequestRejectedSchema },
        404: 'no such request',
        409: 'the request is already decided',
      },
    }),
    async (req, res) => {
      const request = await openRequest(req.params.id);
      const input = parse(rejectCancellationRequestSchema, req.body);
      const rejected = await updateProcess(deps, request.workflowId, rejectCancellationRequestUpdate, [input], REQUEST_PROCESS);
      res.json({ requestId: request.id, status: 'REJECTED', ...rejected } satisfies CancellationRequestRejected);
    },
  );

  router.post(
    '/cancellation-requests/:id/withdraw',
    describe({
      summary: 'The customer withdraws a request',
      tags: ['cancellation requests'],
      access: { roles: ALL, owner: owners['cancellation request']({ param: 'id' }) },
      body: withdrawCancellationRequestSchema,
      responses: {
        200: { description: 'the request, withdrawn', schema: cancellationRequestWithdrawnSchema },
        404: 'no such request',
        409: 'the request is already decided',
      },
    }),
    async (req, res) => {
      const request = await openRequest(req.params.id);
      const input = parse(withdrawCancellationRequestSchema, req.body ?? {});
      await updateProcess(deps, request.workflowId, withdrawCancellationRequestUpdate, [input], REQUEST_PROCESS);
      res.json({ requestId: request.id, status: 'WITHDRAWN' } satisfies CancellationRequestWithdrawn);
    },
  );

  /** Answers go to open requests only: a closed one says what became of it. */
  async function openRequest(id: string | undefined): Promise<CancellationRequest> {
    const request = await findRequestOrFail(em(), id);
    if (request.status !== 'REQUESTED') {
      throw new ConflictError(
        `the cancellation request is ${request.status}${request.rejection === 'SHIPPED' ? ' (the order shipped: open a return instead)' : ''}: it can no longer be answered`,
      );
    }
    return request;
  }

  return router;
}
