/**
 * What an undo asks of the card provider: stop a card refund that has not settled yet (the part
 * then moved no money), or recapture one that has, while the payment's authorisation still holds.
 * Both are idempotent on the undo and the part.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { Recapture, Refund, RefundPart } from '../db/entities/index.ts';
import { STOPPED_FOR_UNDO } from '../money/totals.ts';
import { recomputeRefundStatus, refundPartOrFail } from '../refunds/store.ts';
import type { UndoMoneyDeps } from './deps.ts';

export function undoCard(deps: Pick<UndoMoneyDeps, 'orm' | 'provider'>) {
  const em = () => deps.orm.em.fork();
  return {
    /** Cancels a pending card refund at the provider; the part then moved no money (FAILED, with why). */
    async stopRefundPart(input: { undoId: string; partId: string }): Promise<{ stopped: boolean }> {
      const part = await refundPartOrFail(em(), input.partId);
      const reason = `${STOPPED_FOR_UNDO} (undo ${input.undoId})`;
      if (part.status === 'FAILED' && part.failureReason === reason) return { stopped: true };
      if (part.channel !== 'CARD' || part.status !== 'PENDING' || !part.providerRefundId) return { stopped: false };
      if (!(await deps.provider.cancelRefund(part.providerRefundId))) return { stopped: false };
      await em().transactional(async (tem) => {
        const refund = await tem.findOneOrFail(Refund, { id: part.refundId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
        await tem.nativeUpdate(
          RefundPart,
          { id: part.id, status: 'PENDING' },
          { status: 'FAILED', failureReason: reason, settledAt: new Date() },
        );
        await recomputeRefundStatus(tem, refund);
      });
      return { stopped: true };
    },

    async recapture(input: { undoId: string; orderId: string; partId: string; amount: number; currency: string }) {
      const existing = await em().findOne(Recapture, { undoId: input.undoId, refundPartId: input.partId }, { refresh: true });
      if (existing) return { recaptured: true, recaptureId: existing.id };
      const part = await refundPartOrFail(em(), input.partId);
      if (part.channel !== 'CARD' || !part.paymentReference) {
        return { recaptured: false, reason: `refund part ${part.id} did not go back to a card` };
      }
      const answer = await deps.provider.recapture({
        idempotencyKey: `recapture:${input.undoId}:${part.id}`,
        orderId: input.orderId,
        paymentReference: part.paymentReference,
        amount: input.amount,
        currency: input.currency,
      });
      if (answer.status === 'REFUSED') return { recaptured: false, reason: answer.reason };
      await em().execute(
        `insert into "payments"."recapture" ("id", "undo_id", "refund_part_id", "order_id", "amount", "currency", "payment_reference", "provider_recapture_id")
         values (?, ?, ?, ?, ?, ?, ?, ?) on conflict ("undo_id", "refund_part_id") do nothing`,
        [
          randomUUID(),
          input.undoId,
          part.id,
          input.orderId,
          input.amount,
          input.currency,
          part.paymentReference,
          answer.providerRecaptureId,
        ],
      );
      const row = await em().findOneOrFail(Recapture, { undoId: input.undoId, refundPartId: part.id }, { refresh: true });
      return { recaptured: true, recaptureId: row.id };
    },
  };
}
