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

/** The answer of POST /orders/:id/cancellation-requests. */
export type CreateRequestResult = CancellationRequestCreated;

/**
 * A customer's (or marketplace's) request to cancel, in ONE transaction under the order's row
 * lock: the channel's window and what is still unshipped decide whether it may be asked at all;
 * an order the shop has not retrieved is cancelled at once (AUTO_ACCEPTED, the cancellation
 * starts); otherwise the order is flagged "cancellation requested" and the merchant decides.
 * Either way the request's process starts before the commit, so a refused start writes nothing.
 */
export async function createCancellationRequest(
  deps: ServiceDeps,
  orderId: string,
  input: CreateCancellationRequestInput & { source: CancellationRequestSource },
  now: Date = new Date(),
): Promise<CreateRequestResult> {
  return deps.db.em.fork().transactional(async (em) => {
    const order = await lockOrderOrFail(em, orderId);
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
    return {
      requestId,
      status: request.status,
      workflowId,
      ...(request.cancellationId ? { cancellationId: request.cancellationId } : {}),
    };
  });
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
