import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderPaymentsBody } from '@cancelflow/domain';
import type { RunningPaymentService } from '../src/service.ts';
import { call, startTestService, uniqueId } from './helpers.ts';

let service: RunningPaymentService;

beforeAll(async () => {
  service = await startTestService({ sandboxCardSettleMs: 300 });
});
afterAll(async () => {
  await service?.close();
});

describe('the first refund of a cancellation records the payments it is planned on', () => {
  it('records the payments it carries once, however often it is asked, and refunds once', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    const request = {
      cancellationId,
      orderId,
      currency: 'EUR',
      amount: 3000,
      refundMethod: 'ORIGINAL_PAYMENT' as const,
      payments: [{ method: 'CARD' as const, amount: 5000, reference: `${orderId}-pay-1` }],
    };
    const first = await service.activities.requestRefund(request);
    // A retry of the activity after it committed.
    const again = await service.activities.requestRefund(request);
    expect(again.refundId).toBe(first.refundId);
    expect(first.parts).toEqual([expect.objectContaining({ channel: 'CARD', amount: 3000 })]);

    const recorded = await call<OrderPaymentsBody>(service, 'GET', `/orders/${orderId}/payments`);
    expect(recorded.status).toBe(200);
    expect(recorded.body.payments.map((p) => [p.method, p.amount, p.reference])).toEqual([['CARD', 5000, `${orderId}-pay-1`]]);
    expect(recorded.body.refunds).toHaveLength(1);
  });
});
