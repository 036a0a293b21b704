/**
 * Asking the provider instead of waiting for its word. A refund still PENDING after its expected
 * time is looked up part by part (PaymentProvider.refundStatus), and an answer that says it ended
 * is applied exactly as the provider's event would have been (applyProviderEvent, under its own
 * event id): whichever of the event and the answer comes second changes nothing. A part the
 * provider never answered for (a crash between asking and storing its id) is sent again under the
 * same idempotency key, which the provider answers with the refund it already has.
 */
import { NotFoundError } from '@cancelflow/domain';
import type { PaymentProvider } from '../adapters/payment-provider.ts';
import { Refund, RefundPart } from '../db/entities/index.ts';
import { applyProviderEvent } from './provider-events.ts';
import { submitToProvider } from './request-refund.ts';
import { viewOf, type EntityManager } from './store.ts';
import type { RefundView } from './views.ts';

export interface ReconcileResult {
  refund: RefundView;
  /** The answer moved the refund (the event had not come, or not yet). */
  statusChanged: boolean;
}

export async function reconcileRefund(em: EntityManager, provider: PaymentProvider, cancellationId: string): Promise<ReconcileResult> {
  const refund = await em.findOne(Refund, { cancellationId }, { refresh: true });
  if (!refund) throw new NotFoundError(`cancellation ${cancellationId} has no refund: request it first`);
  let statusChanged = false;
  if (refund.status === 'PENDING') {
    await submitToProvider(em, provider, refund.id);
    const pending = await em.find(
      RefundPart,
      { refundId: refund.id, status: 'PENDING', providerRefundId: { $ne: null }, channel: { $in: ['CARD', 'BANK_DEPOSIT'] } },
      { orderBy: { partNo: 'asc' }, refresh: true },
    );
    for (const part of pending) {
      const providerRefundId = part.providerRefundId!;
      const answer = await provider.refundStatus(providerRefundId);
      await em.fork().nativeUpdate(RefundPart, { id: part.id }, { providerCheckedAt: new Date() });
      // PENDING: not yet. CANCELLED: an undo stopped it and records that itself. UNKNOWN: nothing to apply.
      if (answer.status !== 'SETTLED' && answer.status !== 'FAILED') continue;
      const settled = answer.status === 'SETTLED';
      const result = await applyProviderEvent(em, {
        eventId: `reconciled:${providerRefundId}:${settled ? 'settled' : 'failed'}`,
        type: settled ? 'refund.settled' : 'refund.failed',
        providerRefundId,
        ...(answer.failureReason ? { failureReason: answer.failureReason } : {}),
      });
      statusChanged ||= result.statusChanged;
    }
  }
  const latest = await em.findOneOrFail(Refund, { id: refund.id }, { refresh: true });
  return { refund: await viewOf(em, latest), statusChanged };
}
