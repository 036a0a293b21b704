import { randomUUID } from 'node:crypto';
import type { Database } from '@cancelflow/service-kit';
import type { ChannelReopenAdapter } from './channel-reopen.ts';

/** Records every reopen notice in orders.channel_message (kind CANCELLATION_UNDONE). */
export function createSandboxChannelReopenAdapter(db: Database): ChannelReopenAdapter {
  return {
    async reopenLines(notice) {
      await db.em.fork().execute(
        `insert into "orders"."channel_message" ("id", "idempotency_key", "order_id", "channel", "channel_order_no", "kind", "payload")
         values (?, ?, ?, ?, ?, 'CANCELLATION_UNDONE', ?::jsonb) on conflict ("idempotency_key") do nothing`,
        [
          randomUUID(),
          notice.idempotencyKey,
          notice.orderId,
          notice.channel,
          notice.channelOrderNo,
          JSON.stringify({ cancellationId: notice.cancellationId, undoId: notice.undoId, lines: notice.lines }),
        ],
      );
    },
  };
}
