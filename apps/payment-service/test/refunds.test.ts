import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPaymentService } from '../src/service.ts';
import type { RefundView } from '../src/refunds/index.ts';
import { call, countRows, recordPayments, startTestService, uniqueId, waitForRefundStatus } from './helpers.ts';

let service: RunningPaymentService;

beforeAll(async () => {
  service = await startTestService({ sandboxCardSettleMs: 300 });
});
afterAll(async () => {
  await service?.close();
});

const refundOf = async (cancellationId: string): Promise<RefundView> => {
  const res = await call<{ refunds: RefundView[] }>(service, 'GET', `/refunds?cancellationId=${cancellationId}`);
  expect(res.status).toBe(200);
  const [refund] = res.body.refunds;
  if (!refund) throw new Error(`no refund for ${cancellationId}`);
  return refund;
};

const providerCalls = (cancellationId: string) => countRows(service, 'sandbox_refund', 'idempotency_key like ?', [`${cancellationId}:%`]);

describe('refunding a cancellation', () => {
  it('a card refund is PENDING at first and settles by itself through the provider event', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 5000 }]);

    const outcome = await service.activities.requestRefund({
      cancellationId,
      orderId,
      currency: 'EUR',
      amount: 3000,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(outcome).toMatchObject({ status: 'PENDING', parts: [{ channel: 'CARD', amount: 3000, status: 'PENDING' }] });

    const settled = await waitForRefundStatus(service, outcome.refundId, 'SUCCEEDED');
    expect(settled.parts[0]).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
    expect(settled.parts[0]?.providerRefundId).toMatch(/^re_/);
    expect(await service.activities.getRefund(cancellationId)).toMatchObject({ refundId: outcome.refundId, status: 'SUCCEEDED' });
  });

  it('a bank-deposit refund stays PENDING until the provider sends refund.settled', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'BANK_TRANSFER', amount: 2500 }]);

    const outcome = await service.activities.requestRefund({
      cancellationId,
      orderId,
      currency: 'EUR',
      amount: 2500,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(outcome).toMatchObject({ status: 'PENDING', parts: [{ channel: 'BANK_DEPOSIT', amount: 2500 }] });
    await new Promise((resolve) => setTimeout(resolve, 800)); // longer than a card takes to settle
    const waiting = await refundOf(cancellationId);
    expect(waiting.status).toBe('PENDING');

    const providerRefundId = waiting.parts[0]!.providerRefundId!;
    expect(providerRefundId).toMatch(/^bd_/);
    const event = { eventId: uniqueId('evt'), type: 'refund.settled', providerRefundId };
    const first = await call<{ duplicate: boolean; statusChanged: boolean; refund: RefundView }>(
      service,
      'POST',
      '/provider-events',
      event,
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ duplicate: false, statusChanged: true, refund: { status: 'SUCCEEDED' } });
    expect(await service.activities.getRefund(cancellationId)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('the same provider event twice changes nothing the second time', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'BANK_TRANSFER', amount: 1000 }]);
    await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 1000, refundMethod: 'ORIGINAL_PAYMENT' });
    const providerRefundId = (await refundOf(cancellationId)).parts[0]!.providerRefundId!;

    const eventId = uniqueId('evt');
    const failed = await call(service, 'POST', '/provider-events', {
      eventId,
      type: 'refund.failed',
      providerRefundId,
      failureReason: 'account_closed',
    });
    expect(failed.body).toMatchObject({
      duplicate: false,
      statusChanged: true,
      refund: { status: 'FAILED', failureReason: 'account_closed' },
    });
    const before = await refundOf(cancellationId);

    const again = await call(service, 'POST', '/provider-events', {
      eventId,
      type: 'refund.failed',
      providerRefundId,
      failureReason: 'account_closed',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, statusChanged: false });
    expect(await refundOf(cancellationId)).toEqual(before);
    expect(await countRows(service, 'provider_event', 'event_id = ?', [eventId])).toBe(1);
  });

  it('asking twice for the refund of one cancellation gives one refund and one provider call', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 4000 }]);
    const input = { cancellationId, orderId, currency: 'EUR', amount: 4000, refundMethod: 'ORIGINAL_PAYMENT' } as const;

    const first = await service.activities.requestRefund(input);
    const second = await service.activities.requestRefund(input);
    expect(second.refundId).toBe(first.refundId);
    expect(await countRows(service, 'refund', 'cancellation_id = ?', [cancellationId])).toBe(1);
    expect(await providerCalls(cancellationId)).toBe(1);
  });

  it('two concurrent requests for one cancellation store one refund and call the provider once', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 4000 }]);
    const input = { cancellationId, orderId, currency: 'EUR', amount: 4000, refundMethod: 'ORIGINAL_PAYMENT' } as const;

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => service.activities.requestRefund(input)));
    expect(new Set(outcomes.map((o) => o.refundId)).size).toBe(1);
    expect(await countRows(service, 'refund', 'cancellation_id = ?', [cancellationId])).toBe(1);
    expect(await countRows(service, 'refund_part', 'refund_id = ?', [outcomes[0]!.refundId])).toBe(1);
    expect(await providerCalls(cancellationId)).toBe(1);
  });

  it('the same cancellation id asking for a different refund is refused for good', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 4000 }]);
    await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 1000, refundMethod: 'ORIGINAL_PAYMENT' });
    await expect(
      service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 2000, refundMethod: 'ORIGINAL_PAYMENT' }),
    ).rejects.toMatchObject({ nonRetryable: true, message: expect.stringMatching(/already has a refund of 1000 EUR/) });
  });

  it('a declined refund is FAILED with the reason, stays FAILED on retry while the provider keeps declining', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 1500 }]);
    const fault = await call(service, 'POST', '/sandbox/faults', {
      orderId,
      operation: 'refund',
      mode: 'FAIL',
      failureReason: 'card_expired',
    });
    expect(fault.status).toBe(201);

    const input = { cancellationId, orderId, currency: 'EUR', amount: 1500, refundMethod: 'ORIGINAL_PAYMENT' } as const;
    const failed = await service.activities.requestRefund(input);
    expect(failed).toMatchObject({ status: 'FAILED', failureReason: 'card_expired', parts: [{ status: 'FAILED' }] });

    // Asking again without retry returns the same failed refund and does not call the provider.
    expect(await service.activities.requestRefund(input)).toEqual(failed);
    expect(await providerCalls(cancellationId)).toBe(1);

    const retried = await service.activities.requestRefund({ ...input, retry: true });
    expect(retried).toMatchObject({ status: 'FAILED', failureReason: 'card_expired' });
    const stored = await refundOf(cancellationId);
    expect(stored).toMatchObject({ attempt: 2, parts: [{ attempt: 2 }] });
    expect(await providerCalls(cancellationId)).toBe(2);
  });

  it('FAIL_ONCE declines the first attempt; a retry goes out under a new key and settles', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 1500 }]);
    await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'FAIL_ONCE' });

    const input = { cancellationId, orderId, currency: 'EUR', amount: 1500, refundMethod: 'ORIGINAL_PAYMENT' } as const;
    const failed = await service.activities.requestRefund(input);
    expect(failed).toMatchObject({ status: 'FAILED', failureReason: 'card_declined' });

    const retried = await service.activities.requestRefund({ ...input, retry: true });
    expect(retried).toMatchObject({ refundId: failed.refundId, status: 'PENDING' });
    expect(retried.failureReason).toBeUndefined();
    const keys = await service.orm.em
      .fork()
      .execute<{ idempotency_key: string }[]>(
        'select idempotency_key from "payments"."sandbox_refund" where idempotency_key like ? order by created_at',
        [`${cancellationId}:%`],
      );
    expect(keys.map((k) => k.idempotency_key)).toEqual([`${cancellationId}:1:1`, `${cancellationId}:1:2`]);
    await waitForRefundStatus(service, failed.refundId, 'SUCCEEDED');

    // A retry of a refund that did not fail changes nothing.
    expect(await service.activities.requestRefund({ ...input, retry: true })).toMatchObject({ status: 'SUCCEEDED' });
    expect(await providerCalls(cancellationId)).toBe(2);
  });

  it('with SETTLE_MANUALLY a card refund waits until someone settles it in the sandbox', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 700 }]);
    await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_MANUALLY' });
    const outcome = await service.activities.requestRefund({
      cancellationId,
      orderId,
      currency: 'EUR',
      amount: 700,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const waiting = await refundOf(cancellationId);
    expect(waiting.status).toBe('PENDING');

    const providerRefundId = waiting.parts[0]!.providerRefundId!;
    const settled = await call(service, 'POST', `/sandbox/refunds/${providerRefundId}/settle`, {
      outcome: 'FAILED',
      failureReason: 'issuer_unavailable',
    });
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ status: 'FAILED', failureReason: 'issuer_unavailable' });
    expect(await service.activities.getRefund(cancellationId)).toMatchObject({
      refundId: outcome.refundId,
      status: 'FAILED',
      failureReason: 'issuer_unavailable',
    });

    const conflicting = await call(service, 'POST', `/sandbox/refunds/${providerRefundId}/settle`);
    expect(conflicting.status).toBe(409);
    expect(conflicting.body).toMatchObject({ error: { message: expect.stringMatching(/already FAILED/) } });
  });

  it('an order paid fully in points is refunded at once through the ledger, without the provider', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [
      { method: 'POINTS', amount: 800 },
      { method: 'STORE_CREDIT', amount: 200 },
    ]);

    const outcome = await service.activities.requestRefund({
      cancellationId,
      orderId,
      currency: 'EUR',
      amount: 1000,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.parts).toEqual([
      { channel: 'STORE_CREDIT', amount: 200, status: 'SUCCEEDED' },
      { channel: 'POINTS', amount: 800, status: 'SUCCEEDED' },
    ]);
    expect(await providerCalls(cancellationId)).toBe(0);
    expect(await countRows(service, 'ledger_entry', 'order_id = ?', [orderId])).toBe(2);

    const order = await call(service, 'GET', `/orders/${orderId}/payments`);
    expect(order.body).toMatchObject({ totals: { currency: 'EUR', charged: 1000, refunded: 0, ledgerReturned: 1000 } });
  });

  it('a mixed card and points payment is refunded to the card first, the rest in points', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [
      { method: 'POINTS', amount: 1000 },
      { method: 'CARD', amount: 3000 },
    ]);

    const outcome = await service.activities.requestRefund({
      cancellationId,
      orderId,
      currency: 'EUR',
      amount: 3500,
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(outcome).toMatchObject({
      status: 'PENDING',
      parts: [
        { channel: 'CARD', amount: 3000, status: 'PENDING' },
        { channel: 'POINTS', amount: 500, status: 'SUCCEEDED' },
      ],
    });
    expect(await providerCalls(cancellationId)).toBe(1);
    await waitForRefundStatus(service, outcome.refundId, 'SUCCEEDED');

    const order = await call<{ totals: unknown; refunds: RefundView[] }>(service, 'GET', `/orders/${orderId}/payments`);
    expect(order.body.totals).toEqual({
      currency: 'EUR',
      charged: 4000,
      refunded: 3000,
      ledgerReturned: 500,
      recaptured: 0,
      rebilled: 0,
      paidAgain: 0,
      net: 500,
    });
    expect(order.body.refunds).toHaveLength(1);
  });

  it('refunding more than was paid fails for good with the rule, and stores nothing', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 1000 }]);

    for (const refundMethod of ['ORIGINAL_PAYMENT', 'BANK_DEPOSIT'] as const) {
      await expect(
        service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 1001, refundMethod }),
      ).rejects.toMatchObject({
        name: 'ApplicationFailure',
        nonRetryable: true,
        type: 'RuleViolationError',
        message: expect.stringMatching(/cannot refund 1001 EUR on order .*: it was paid 1000/),
      });
    }
    expect(await countRows(service, 'refund', 'cancellation_id = ?', [cancellationId])).toBe(0);
  });

  it('two cancellations of one order never refund more than was paid together', async () => {
    const orderId = uniqueId('order');
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 1000 }]);
    const results = await Promise.allSettled(
      [uniqueId('cancel'), uniqueId('cancel')].map((cancellationId) =>
        service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 700, refundMethod: 'ORIGINAL_PAYMENT' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ nonRetryable: true, message: expect.stringMatching(/at most 300 can be refunded/) });
  });

  it('an amount of 0 or the method NONE needs no refund: SUCCEEDED with no parts', async () => {
    const orderId = uniqueId('order');
    for (const [amount, refundMethod] of [
      [0, 'ORIGINAL_PAYMENT'],
      [1200, 'NONE'],
    ] as const) {
      const cancellationId = uniqueId('cancel');
      const outcome = await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount, refundMethod });
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', parts: [] });
      expect(await providerCalls(cancellationId)).toBe(0);
    }
  });

  it('a refund for a cancellation whose workflow does not exist still settles (the signal is logged, not fatal)', async () => {
    // No cancellation workflow runs for this id: the settle event must still be applied.
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'BANK_TRANSFER', amount: 900 }]);
    await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 900, refundMethod: 'BANK_DEPOSIT' });
    const providerRefundId = (await refundOf(cancellationId)).parts[0]!.providerRefundId!;
    const res = await call(service, 'POST', `/sandbox/refunds/${providerRefundId}/settle`);
    expect(res.status).toBe(200);
    expect(await refundOf(cancellationId)).toMatchObject({
      status: 'SUCCEEDED',
      parts: [{ channel: 'BANK_DEPOSIT', status: 'SUCCEEDED' }],
    });
  });

  it('getRefund of a cancellation without a refund fails for good', async () => {
    await expect(service.activities.getRefund(uniqueId('cancel'))).rejects.toMatchObject({
      nonRetryable: true,
      type: 'NotFoundError',
    });
  });

  it('requestRefund with bad input fails for good and stores nothing', async () => {
    const cancellationId = uniqueId('cancel');
    await expect(
      service.activities.requestRefund({ cancellationId, orderId: 'o', currency: 'euro', amount: 12.5, refundMethod: 'ORIGINAL_PAYMENT' }),
    ).rejects.toMatchObject({
      nonRetryable: true,
      type: 'ValidationError',
      message: expect.stringMatching(/requestRefund input is invalid/),
    });
    expect(await countRows(service, 'refund', 'cancellation_id = ?', [cancellationId])).toBe(0);
  });
});
