import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError, type CancellationRequestBody } from '@cancelflow/domain';
import { CancellationRequest, CancellationRequestLine, type Order, type OrderLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';

export async function findRequestOrFail(em: EntityManager, id: string | undefined): Promise<CancellationRequest> {
  const requestId = assertId(id, 'cancellation request');
  const request = await em.findOne(CancellationRequest, { id: requestId });
  if (!request) throw new NotFoundError(`no cancellation request ${requestId}`);
  return request;
}

/** Re-reads the request under a row lock; the caller holds the order's lock first (same order as every writer). */
export async function lockRequest(em: EntityManager, id: string): Promise<CancellationRequest> {
  const request = await em.findOne(CancellationRequest, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!request) throw new NotFoundError(`no cancellation request ${id}`);
  return request;
}

export const requestLinesOf = (em: EntityManager, requestId: string): Promise<CancellationRequestLine[]> =>
  em.find(CancellationRequestLine, { requestId });

/** The order's visible "cancellation requested" flag: set while any request waits for the merchant. */
export async function refreshCancellationRequestedFlag(em: EntityManager, order: Order): Promise<void> {
  await em.flush();
  order.cancellationRequested = (await em.count(CancellationRequest, { orderId: order.id, status: 'REQUESTED' })) > 0;
}

export function requestView(
  r: CancellationRequest,
  lines: readonly CancellationRequestLine[],
  orderLines: readonly OrderLine[],
): CancellationRequestBody {
  return {
    id: r.id,
    orderId: r.orderId,
    merchantId: r.merchantId,
    source: r.source,
    status: r.status,
    reason: r.reason,
    comment: r.comment ?? undefined,
    rejection: r.rejection ?? undefined,
    rejectionReason: r.rejectionReason ?? undefined,
    returnInstead: r.returnInstead,
    decidedBy: r.decidedBy ?? undefined,
    cancellationId: r.cancellationId ?? undefined,
    workflowId: r.workflowId,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString(),
    lines: lines.map((l) => {
      const line = orderLines.find((o) => o.id === l.orderLineId);
      return { lineId: l.orderLineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity };
    }),
  };
}
