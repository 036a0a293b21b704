import { randomUUID } from 'node:crypto';
import {
  type CancellationRequestSource,
  cancellationRequestWorkflowId,
  ConflictError,
  decideCancellationRequest,
  initiatorOfRequest,
  requestCancellationNumber,
  type CreateCancellationRequestInput,
  type CancellationRequestCreated,
} from '@cancelflow/domain';
import {
  CUSTOMER_CANCELLATION_REQUEST_WORKFLOW_TYPE,
  type CustomerCancellationRequestInput,
} from '@cancelflow/workflows/contracts/customer-cancellation-request';
import { reserveCancellation } from '../cancellations/create-cancellation.ts';
import { CancellationRequest, CancellationRequestLine } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recordOrderEvent } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { startProcess } from '../temporal/gateway.ts';

/** The answer of POST /orders/:id/cancellation-requests; created false: the key's earlier request. */
export interface CreateRequestResult {
  created: boolean;
  request: CancellationRequestCreated;
}

/**
 * A customer's (or marketplace's) request to cancel, in ONE transaction under the order's row
 * lock: the channel's window and what is still unshipped decide whether it may be asked at all;
 * an order the shop has not retrieved is cancelled at once (AUTO_ACCEPTED, the cancellation
 * starts); otherwise the order is flagged "cancellation requested" and the merchant decides.
 * Either way the request's process starts before the commit, so a refused start writes nothing.
 * With an idempotency key, a retry (the order's lock makes it wait for the first) answers the
 * request the key created, whatever became of the order since.
 */
export async function createCancellationRequest(
  deps: ServiceDeps,
  orderId: string,
  input: CreateCancellationRequestInput & { source: CancellationRequestSource },
  options: { idempotencyKey?: string; now?: Date } = {},
): Promise<CreateRequestResult> {
  const now = options.now ?? new Date();
  const idempotencyKey = options.idempotencyKey ?? null;
  return deps.db.em.fork().transactional(async (em) => {
    const order = await lockOrderOrFail(em, orderId);
    if (idempotencyKey) {
      const earlier = await em.findOne(CancellationRequest, { orderId: order.id, idempotencyKey });
      if (earlier) {
        const earlierLines = await em.find(CancellationRequestLine, { requestId: earlier.id });
        if (!sameRequest(earlier, earlierLines, input)) {
          throw new ConflictError(
            `Idempotency-Key ${idempotencyKey} was used for a different cancellation request of this order (${earlier.id}): a new request needs a new key`,
          );
        }
        return { created: false, request: createdOf(earlier) };
      }
    }
    const lines = await linesOf(em, order.id);
    const decision = decideCancellationRequest(
      {
        channel: order.channel,
        status: order.status,
        acknowledged: order.acknowledged,
        placedAt: order.placedAt,
        selfServiceEnabled: order.selfServiceEnabled,
        lines,
      },
      input.lines,
      now,
      input.source,
    );
    const open = await em.findOne(CancellationRequest, { orderId: order.id, status: 'REQUESTED' });
    if (open) {
      throw new ConflictError(
        `a cancellation request for this order (${open.id}) is already waiting for the merchant: wait for the answer, or withdraw it and ask again`,
      );
    }

    const requestId = randomUUID();
    const workflowId = cancellationRequestWorkflowId(requestId);
    const request = em.create(CancellationRequest, {
      id: requestId,
      orderId: order.id,
      merchantId: order.merchantId,
      source: input.source,
      status: decision.kind === 'AUTO_ACCEPT' ? 'AUTO_ACCEPTED' : 'REQUESTED',
      reason: input.reason,
      comment: input.comment ?? null,
      rejection: null,
      rejectionReason: null,
      returnInstead: false,
      decidedBy: null,
      cancellationId: null,
      workflowId,
      createdAt: now,
      decidedAt: null,
      idempotencyKey,
    });
    await em.flush();
    for (const l of input.lines) em.create(CancellationRequestLine, { requestId, orderLineId: l.lineId, quantity: l.quantity });
    const actor = input.source.toLowerCase();
    recordOrderEvent(
      em,
      order.id,
      'CANCELLATION_REQUEST_RECEIVED',
      { requestId, source: input.source, reason: input.reason, lines: input.lines, ...(input.comment ? { comment: input.comment } : {}) },
      actor,
    );

    if (decision.kind === 'AUTO_ACCEPT') {
      const cancellation = await reserveCancellation(deps, em, order, {
        lines: input.lines,
        reason: input.reason,
        ...(input.comment ? { comment: input.comment } : {}),
        merchantCancellationNumber: requestCancellationNumber(requestId),
        refundMethod: 'ORIGINAL_PAYMENT',
        restock: false,
        initiator: initiatorOfRequest(input.source),
      });
      request.cancellationId = cancellation.cancellationId;
      request.decidedBy = 'system';
      request.decidedAt = now;
      recordOrderEvent(
        em,
        order.id,
        'CANCELLATION_REQUEST_AUTO_ACCEPTED',
        { requestId, cancellationId: cancellation.cancellationId, why: 'the shop had not retrieved the order yet' },
        'system',
      );
    } else {
      order.cancellationRequested = true;
    }
    await em.flush();

    await startRequestProcess(deps, requestId, workflowId);
    return { created: true, request: createdOf(request) };
  });
}

function createdOf(request: CancellationRequest): CancellationRequestCreated {
  return {
    requestId: request.id,
    status: request.status,
    workflowId: request.workflowId,
    ...(request.cancellationId ? { cancellationId: request.cancellationId } : {}),
  };
}

/** The same lines, reason, comment and source: a repeat of the request, not another one. */
function sameRequest(
  earlier: CancellationRequest,
  lines: readonly CancellationRequestLine[],
  input: CreateCancellationRequestInput & { source: CancellationRequestSource },
): boolean {
  const asked = (pairs: readonly (readonly [string, number])[]) =>
    pairs
      .map(([lineId, quantity]) => `${lineId}:${quantity}`)
      .sort()
      .join(',');
  return (
    earlier.reason === input.reason &&
    (earlier.comment ?? null) === (input.comment ?? null) &&
    earlier.source === input.source &&
    asked(lines.map((l) => [l.orderLineId, l.quantity] as const)) === asked(input.lines.map((l) => [l.lineId, l.quantity] as const))
  );
}

async function startRequestProcess(deps: ServiceDeps, requestId: string, workflowId: string): Promise<void> {
  const args: [CustomerCancellationRequestInput] = [{ ...deps.requestProcess, requestId }];
  await startProcess(deps, {
    type: CUSTOMER_CANCELLATION_REQUEST_WORKFLOW_TYPE,
    workflowId,
    args,
    unreachable: 'the cancellation request could not be taken (Temporal is unreachable): nothing was changed, try again shortly',
  });
}
