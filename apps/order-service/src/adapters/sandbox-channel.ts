import { randomUUID } from 'node:crypto';
import type { Database } from '@cancelflow/service-kit';
import type { ChannelAdapter, ChannelCancellationNotice, ChannelDisputeRequest } from './channel.ts';

/** Records every message in orders.channel_message instead of calling a marketplace. */
export function createSandboxChannelAdapter(db: Database): ChannelAdapter {
  const record = async (
    key: string,
    n: { orderId: string; channel: string; channelOrderNo: string },
    kind: string,
    payload: object,
  ): Promise<void> => {
    await db.em.fork().execute(
      `insert into "orders"."channel_message" ("id", "idempotency_key", "order_id", "channel", "channel_order_no", "kind", "payload")
       values (?, ?, ?, ?, ?, ?, ?::jsonb) on conflict ("idempotency_key") do nothing`,
      [randomUUID(), key, n.orderId, n.channel, n.channelOrderNo, kind, JSON.stringify(payload)],
    );
  };
  return {
    async notifyCancellation(notice: ChannelCancellationNotice) {
      await record(notice.idempotencyKey, notice, 'CANCELLATION', {
        cancellationId: notice.cancellationId,
        reason: notice.reason,
        lines: notice.lines,
        restockOnMarketplace: notice.marketplaceRestock,
      });
    },
    async openDispute(request: ChannelDisputeRequest) {
      await record(request.idempotencyKey, request, 'DISPUTE_OPENED', {
        cancellationId: request.cancellationId,
        disputeId: request.disputeId,
        amount: request.amount,
        currency: request.currency,
      });
    },
  };
}
