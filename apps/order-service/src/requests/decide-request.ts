/**
 * The answers to a cancellation request, each in one transaction under the order's row lock
 * (then the request's): the merchant's accept or reject and the customer's withdrawal (run by
 * the request's workflow as activities), and a shipment that overtakes an open request.
 * Each is idempotent: the same answer again returns the first result.
 */
import { LockMode } from '@mikro-orm/core';
import { faultPoint } from '@cancelflow/service-kit/faults';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  assertRequestTransition,
  cancellationWorkflowId,
  initiatorOfRequest,
  overtakenByShipment,
  rejectionPointsToReturn,
  requestCancellationNumber,
  type RefundMethod,
} from '@cancelflow/domain';
import { shipmentRecordedSignal } from '@cancelflow/workflows/contracts/customer-cancellation-request';
import { reserveCancellation } from '../cancellations/create-cancellation.ts';
import { CancellationRequest, Order, OrderEvent } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recordOrderEvent } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { signalProcess } from '../temporal/gateway.ts';
import { findRequestOrFail, lockRequest, refreshCancellationRequestedFlag, requestLinesOf } from './request-store.ts';
import type { CancellationRequestContext } from '@cancelflow/workflows/contracts/customer-cancellation-request';

type Locked = { em: EntityManager; order: Order; request: CancellationRequest };

/** Locks the order, then the request, in the order every writer takes them. */
async function underLocks<T>(deps: ServiceDeps, requestId: string, work: (locked: Locked) => Promise<T>): Promise<T> {
  return deps.db.em.fork().transactional(async (em) => {
    const found = await findRequestOrFail(em, requestId);
    const order = await lockOrderOrFail(em, found.orderId);
    const request = await lockRequest(em, found.id);
    return work({ em, order, request });
  });
}

export async function loadRequestContext(deps: Pick<ServiceDeps, 'db'>, requestId: string): Promise<CancellationRequestContext> {
  const em = deps.db.em.fork();
  const request = await findRequestOrFail(em, requestId);
  const order = (await em.findOne(Order, { id: request.orderId }))!;
  const [lines, orderLines] = await Promise.all([requestLinesOf(em, request.id), linesOf(em, order.id)]);
  return {
    requestId: request.id,
    orderId: order.id,
    merchantId: order.merchantId,
    channelOrderNo: order.channelOrderNo,
    source: request.source,
    status: request.status,
    reason: request.reason,
    ...(request.comment ? { comment: request.comment } : {}),
    customer: { email: order.customerEmail, name: order.customerName },
    lines: orderLines.flatMap((line) => {
      const asked = lines.find((l) => l.orderLineId === line.id);
      return asked ? [{ lineId: line.id, lineNo: line.lineNo, sku: line.sku, quantity: asked.quantity }] : [];
    }),
    ...(request.cancellationId ? { cancellationId: request.cancellationId } : {}),
    createdAt: request.createdAt.toISOString(),
  };
}

/** The merchant accepts: a cancellation with the customer's reason and the merchant's refund method. */
export function acceptRequest(
  deps: ServiceDeps,
  requestId: string,
  input: { staffId: string; refundMethod: RefundMethod; restock: boolean },
): Promise<{ cancellationId: string; workflowId: string }> {
  return underLocks(deps, requestId, async ({ em, order, request }) => {
    if (request.status === 'ACCEPTED' && request.cancellationId) {
      return { cancellationId: request.cancellationId, workflowId: cancellationWorkflowId(request.cancellationId) };
    }
    assertRequestTransition(request.status, 'ACCEPTED');
    const lines = await requestLinesOf(em, request.id);
    const cancellation = await reserveCancellation(deps, em, order, {
      lines: lines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity })),
      // Customers never ask with the system's FILL_OR_KILL (the schema refuses it).
      reason: request.reason === 'FILL_OR_KILL' ? 'OTHER' : request.reason,
      ...(request.comment ? { comment: request.comment } : {}),
      merchantCancellationNumber: requestCancellationNumber(request.id),
      refundMethod: input.refundMethod,
      restock: input.restock,
      initiator: initiatorOfRequest(request.source),
    });
    request.status = 'ACCEPTED';
    request.cancellationId = cancellation.cancellationId;
    request.decidedBy = input.staffId;
    request.decidedAt = new Date();
    recordOrderEvent(
      em,
      order.id,
      'CANCELLATION_REQUEST_ACCEPTED',
      { requestId, cancellationId: cancellation.cancellationId, refundMethod: input.refundMethod },
      input.staffId,
    );
    await refreshCancellationRequestedFlag(em, order);
    await em.flush();
    return { cancellationId: cancellation.cancellationId, workflowId: cancellation.workflowId };
  });
}

/** The merchant rejects; when goods of the request have shipped, the customer is pointed to a return. */
export function rejectRequest(
  deps: ServiceDeps,
  requestId: string,
  input: { staffId: string; reason: string },
): Promise<{ returnInstead: boolean }> {
  return underLocks(deps, requestId, async ({ em, order, request }) => {
    if (request.status === 'REJECTED' && request.rejection === 'MERCHANT') return { returnInstead: request.returnInstead };
    assertRequestTransition(request.status, 'REJECTED');
    const [asked, lines] = await Promise.all([requestLinesOf(em, request.id), linesOf(em, order.id)]);
    const returnInstead = rejectionPointsToReturn(
      lines,
      asked.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity })),
    );
    request.status = 'REJECTED';
    request.rejection = 'MERCHANT';
    request.rejectionReason = input.reason;
    request.returnInstead = returnInstead;
    request.decidedBy = input.staffId;
    request.decidedAt = new Date();
    recordOrderEvent(em, order.id, 'CANCELLATION_REQUEST_REJECTED', { requestId, reason: input.reason, returnInstead }, input.staffId);
    await refreshCancellationRequestedFlag(em, order);
    await em.flush();
    return { returnInstead };
  });
}

/** The customer takes the request back while it is open. */
export function withdrawRequest(deps: ServiceDeps, requestId: string, input: { comment?: string }): Promise<void> {
  return underLocks(deps, requestId, async ({ em, order, request }) => {
    if (request.status === 'WITHDRAWN') return;
    assertRequestTransition(request.status, 'WITHDRAWN');
    request.status = 'WITHDRAWN';
    request.decidedBy = 'customer';
    request.decidedAt = new Date();
    recordOrderEvent(
      em,
      order.id,
      'CANCELLATION_REQUEST_WITHDRAWN',
      { requestId, ...(input.comment ? { comment: input.comment } : {}) },
      'customer',
    );
    await refreshCancellationRequestedFlag(em, order);
    await em.flush();
  });
}

/**
 * Called by the shipments code after a shipment is recorded for the order: every open request
 * that the shipment overtook (a requested quantity is no longer unshipped) is closed as
 * rejected-shipped, and its process told, which points the customer to a return.
 * Returns the ids of the requests it closed.
 */
export async function closeOpenRequestsOnShipment(deps: ServiceDeps, orderId: string, shipmentId?: string): Promise<string[]> {
  const closed = await deps.db.em.fork().transactional(async (em) => {
    const order = await lockOrderOrFail(em, orderId);
    const open = await em.find(CancellationRequest, { orderId: order.id, status: 'REQUESTED' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (open.length === 0) return [];
    const lines = await linesOf(em, order.id);
    const overtaken: CancellationRequest[] = [];
    for (const request of open) {
      const asked = await requestLinesOf(em, request.id);
      if (
        !overtakenByShipment(
          lines,
          asked.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity })),
        )
      )
        continue;
      request.status = 'REJECTED';
      request.rejection = 'SHIPPED';
      request.rejectionReason = 'the order shipped before the request was answered';
      request.returnInstead = true;
      request.decidedBy = 'shipment';
      request.decidedAt = new Date();
      recordOrderEvent(
        em,
        order.id,
        'CANCELLATION_REQUEST_CLOSED_SHIPPED',
        { requestId: request.id, ...(shipmentId ? { shipmentId } : {}), returnInstead: true },
        'warehouse',
      );
      overtaken.push(request);
    }
    await refreshCancellationRequestedFlag(em, order);
    await em.flush();
    return overtaken.map((r) => ({ id: r.id, workflowId: r.workflowId }));
  });
  // Closed and committed; the processes hearing of it is not: each re-reads its request when it wakes.
  faultPoint('request.closed-by-shipment');
  for (const request of closed) {
    // The request is closed either way; only the customer's email depends on the process.
    try {
      const sent = await signalProcess(
        deps,
        request.workflowId,
        shipmentRecordedSignal,
        [{ orderId, ...(shipmentId ? { shipmentId } : {}) }],
        {
          process: 'the cancellation request process',
        },
      );
      if (sent === 'NOT_RUNNING') {
        deps.logger.warn({ requestId: request.id }, 'the cancellation request process has ended: it does not hear of the shipment');
      }
    } catch {
      // Unreachable, and logged as such by the gateway: the shipment stands.
    }
  }
  return closed.map((r) => r.id);
}

/** Adds a reminder or escalation to the order's timeline, once per request and key. */
export async function recordRequestEvent(
  deps: Pick<ServiceDeps, 'db'>,
  input: { requestId: string; type: string; key: string; detail?: string },
): Promise<void> {
  const em = deps.db.em.fork();
  const request = await findRequestOrFail(em, input.requestId);
  const seen = await em.execute<{ n: string }[]>(
    `select count(*) as n from "orders"."order_event" where "order_id" = ? and "type" = ? and "detail"->>'requestId' = ? and "detail"->>'key' = ?`,
    [request.orderId, input.type, request.id, input.key],
  );
  if (Number(seen[0]!.n) > 0) return;
  em.create(OrderEvent, {
    id: crypto.randomUUID(),
    orderId: request.orderId,
    type: input.type,
    detail: { requestId: request.id, key: input.key, ...(input.detail ? { detail: input.detail } : {}) },
    actor: 'workflow',
    at: new Date(),
  });
  await em.flush();
}
