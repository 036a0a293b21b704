import { describe, expect, it } from 'vitest';
import { countRows, recordPayments, startTestService, uniqueId, waitForRefundStatus } from './helpers.ts';

describe('the sandbox provider across restarts', () => {
  it('a card refund left pending by a crash settles when the service starts again, and the key is not forgotten', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    const input = { cancellationId, orderId, currency: 'EUR', amount: 1200, refundMethod: 'ORIGINAL_PAYMENT' } as const;

    // A process that would take a minute to settle goes away before it does.
    const before = await startTestService({ sandboxCardSettleMs: 60_000 });
    let refundId: string;
    try {
      await recordPayments(before, orderId, [{ method: 'CARD', amount: 1200 }]);
      const outcome = await before.activities.requestRefund(input);
      expect(outcome.status).toBe('PENDING');
      refundId = outcome.refundId;
    } finally {
      await before.close();
    }

    const after = await startTestService({ sandboxCardSettleMs: 100 });
    try {
      const settled = await waitForRefundStatus(after, refundId, 'SUCCEEDED');
      expect(settled.parts).toMatchObject([{ channel: 'CARD', status: 'SUCCEEDED' }]);
      // Asking again after the restart is the same refund and the same single provider refund.
      expect(await after.activities.requestRefund(input)).toMatchObject({ refundId, status: 'SUCCEEDED' });
      expect(await countRows(after, 'sandbox_refund', 'idempotency_key like ?', [`${cancellationId}:%`])).toBe(1);
    } finally {
      await after.close();
    }
  });

  it('recording the order payments twice keeps one row per reference', async () => {
    const service = await startTestService();
    try {
      const orderId = uniqueId('order');
      const payments = [
        { method: 'CARD', amount: 1000 },
        { method: 'POINTS', amount: 50 },
      ] as const;
      await recordPayments(service, orderId, [...payments]);
      await recordPayments(service, orderId, [...payments]);
      expect(await countRows(service, 'payment', 'order_id = ?', [orderId])).toBe(2);
    } finally {
      await service.close();
    }
  });
});
