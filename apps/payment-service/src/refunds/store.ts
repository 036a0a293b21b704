/** Reading and re-deriving refunds: shared by the refund flow, the provider events and the API. */
import { NotFoundError, refundStatusOf } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import { Refund, RefundPart, type RefundPartRow } from '../db/entities/index.ts';
import { refundView, type RefundView } from './views.ts';

export type EntityManager = Database['em'];

import { isUuid } from '@cancelflow/domain';

export { isUuid };

export async function viewOf(em: EntityManager, refund: Refund): Promise<RefundView> {
  const parts = await em.find(RefundPart, { refundId: refund.id }, { orderBy: { partNo: 'asc' }, refresh: true });
  return refundView(refund, parts);
}

export async function refundById(em: EntityManager, refundId: string): Promise<RefundView | null> {
  if (!isUuid(refundId)) return null;
  const refund = await em.findOne(Refund, { id: refundId }, { refresh: true });
  return refund ? viewOf(em, refund) : null;
}

export async function refundPartOrFail(em: EntityManager, partId: string): Promise<RefundPartRow> {
  const part = isUuid(partId) ? await em.findOne(RefundPart, { id: partId }, { refresh: true }) : null;
  if (!part) throw new NotFoundError(`no refund part ${partId}`);
  return part;
}

export async function refundByCancellation(em: EntityManager, cancellationId: string): Promise<RefundView | null> {
  const refund = await em.findOne(Refund, { cancellationId }, { refresh: true });
  return refund ? viewOf(em, refund) : null;
}

/**
 * Re-derives a refund's status from its parts (refundStatusOf, the domain's rule) and stores it.
 * Call inside a transaction that holds the refund's row lock. Returns the status before and after.
 */
export async function recomputeRefundStatus(
  em: EntityManager,
  refund: Refund,
): Promise<{ before: Refund['status']; after: Refund['status'] }> {
  const parts = await em.find(RefundPart, { refundId: refund.id }, { orderBy: { partNo: 'asc' }, refresh: true });
  const before = refund.status;
  const after = refundStatusOf(parts);
  const failed = parts.find((part) => part.status === 'FAILED');
  refund.status = after;
  refund.failureReason = failed ? (failed.failureReason ?? 'the provider declined the refund') : null;
  await em.flush();
  return { before, after };
}
