/** What a cancellation's refund gave back, part by part, and what the provider can still do about each. */
import type { UndoRefundPart } from '@cancelflow/domain/undo-cancellation';
import { Refund, RefundPart } from '../db/entities/index.ts';
import type { UndoMoneyDeps } from './deps.ts';

export function undoAssessment(deps: UndoMoneyDeps) {
  const em = () => deps.orm.em.fork();
  return {
    async assess(input: { cancellationId: string; orderId: string }): Promise<UndoRefundPart[]> {
      const refund = await em().findOne(Refund, { cancellationId: input.cancellationId }, { refresh: true });
      if (!refund) return [];
      const parts = await em().find(RefundPart, { refundId: refund.id }, { orderBy: { partNo: 'asc' }, refresh: true });
      const assessed: UndoRefundPart[] = [];
      for (const part of parts) {
        const card = part.channel === 'CARD';
        const providerRefundId = part.providerRefundId;
        const paymentReference = part.paymentReference;
        const stoppable =
          card && part.status === 'PENDING' && !!providerRefundId && (await deps.provider.canCancelRefund(providerRefundId));
        const recapturable =
          card && !!paymentReference && (await deps.provider.authorisation({ orderId: refund.orderId, paymentReference })).active;
        assessed.push({ partId: part.id, channel: part.channel, amount: part.amount, status: part.status, stoppable, recapturable });
      }
      return assessed;
    },
  };
}
