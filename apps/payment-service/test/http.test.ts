import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPaymentService } from '../src/service.ts';
import type { OrderPaymentsView, RefundView } from '../src/refunds/index.ts';
import { supportToken } from '@cancelflow/testing';
import { call, countRows, startTestService, uniqueId } from './helpers.ts';

let service: RunningPaymentService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

const errorMessage = expect.objectContaining({ error: expect.objectContaining({ message: expect.any(String) }) });

describe('POST /payments', () => {
  it('records a payment once per order and reference: 201 the first time, 200 after', async () => {
    const orderId = uniqueId('order');
    const payment = { orderId, method: 'CARD', amount: 1999, currency: 'EUR', reference: 'psp-123' };
    const first = await call(service, 'POST', '/payments', payment);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject(payment);
    const again = await call(service, 'POST', '/payments', payment);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await countRows(service, 'payment', 'order_id = ?', [orderId])).toBe(1);
  });

  it('a different payment under a reference already used for the order is a conflict', async () => {
    const orderId = uniqueId('order');
    await call(service, 'POST', '/payments', { orderId, method: 'CARD', amount: 1000, currency: 'EUR', reference: 'r1' });
    const res = await call(service, 'POST', '/payments', { orderId, method: 'CARD', amount: 2000, currency: 'EUR', reference: 'r1' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringMatching(/needs a different reference/) } });
  });

  it.each([
    ['a decimal amount', { method: 'CARD', amount: 19.99, currency: 'EUR', reference: 'r' }, /whole number of minor units/],
    ['a negative amount', { method: 'CARD', amount: -1, currency: 'EUR', reference: 'r' }, /cannot be negative/],
    ['an unknown method', { method: 'CASH', amount: 100, currency: 'EUR', reference: 'r' }, /method/],
    ['a currency that is not ISO 4217', { method: 'CARD', amount: 100, currency: 'euro', reference: 'r' }, /ISO 4217/],
    ['no reference', { method: 'CARD', amount: 100, currency: 'EUR', reference: ' ' }, /reference: is required/],
  ])('refuses %s with 400 and records nothing', async (_what, body, message) => {
    const orderId = uniqueId('order');
    const res = await call(service, 'POST', '/payments', { orderId, ...body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(message) } });
    expect(await countRows(service, 'payment', 'order_id = ?', [orderId])).toBe(0);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const res = await call(service, 'POST', '/payments', undefined, '{"orderId": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: 'the request body is not valid JSON' } });
  });
});

describe('GET /orders/:orderId/payments', () => {
  it('shows payments, refunds with their parts and totals in minor units', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await call(service, 'POST', '/payments', { orderId, method: 'CARD', amount: 3000, currency: 'EUR', reference: 'c' });
    await call(service, 'POST', '/payments', { orderId, method: 'STORE_CREDIT', amount: 500, currency: 'EUR', reference: 's' });
    await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 500, refundMethod: 'STORE_CREDIT' });

    const res = await call<OrderPaymentsView>(service, 'GET', `/orders/${orderId}/payments`);
    expect(res.status).toBe(200);
    expect(res.body.payments.map((p) => [p.method, p.amount])).toEqual([
      ['CARD', 3000],
      ['STORE_CREDIT', 500],
    ]);
    expect(res.body.refunds).toMatchObject([{ cancellationId, status: 'SUCCEEDED', parts: [{ channel: 'STORE_CREDIT', amount: 500 }] }]);
    expect(res.body.totals).toEqual({
      currency: 'EUR',
      charged: 3500,
      refunded: 0,
      ledgerReturned: 500,
      recaptured: 0,
      rebilled: 0,
      paidAgain: 0,
      net: 3000,
    });
  });

  it('answers 404 for an order it was never told of, as for any missing thing', async () => {
    const orderId = uniqueId('order');
    const res = await call(service, 'GET', `/orders/${orderId}/payments`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND', message: `no order ${orderId}` } });
  });

  it('answers an order imported with no payment: it is known, with none', async () => {
    const orderId = uniqueId('order');
    await service.activities.recordOrderPayments({ orderId, currency: 'EUR', payments: [] });
    const res = await call<OrderPaymentsView>(service, 'GET', `/orders/${orderId}/payments`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ orderId, payments: [], refunds: [], totals: { currency: 'EUR', charged: 0, net: 0 } });
  });

  it('the same payments recorded twice (a repeated import, a retried activity) are stored once', async () => {
    const orderId = uniqueId('order');
    const input = {
      orderId,
      currency: 'EUR',
      payments: [
        { method: 'CARD' as const, amount: 4000, reference: 'psp-1' },
        { method: 'POINTS' as const, amount: 1000, reference: 'points-1' },
      ],
    };
    await Promise.all([service.activities.recordOrderPayments(input), service.activities.recordOrderPayments(input)]);
    await service.activities.recordOrderPayments(input);
    expect(await countRows(service, 'payment', '"order_id" = ?', [orderId])).toBe(2);
    expect(await countRows(service, 'imported_order', '"order_id" = ?', [orderId])).toBe(1);
    const res = await call<OrderPaymentsView>(service, 'GET', `/orders/${orderId}/payments`);
    expect(res.body.payments.map((p) => p.reference).sort()).toEqual(['points-1', 'psp-1']);
  });

  it('answers 400 for an order id longer than any order id', async () => {
    const res = await call(service, 'GET', `/orders/${'x'.repeat(65)}/payments`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorMessage);
  });
});

describe('GET /refunds', () => {
  it('finds the refund of a cancellation by id and by cancellationId', async () => {
    const cancellationId = uniqueId('cancel');
    const outcome = await service.activities.requestRefund({
      cancellationId,
      orderId: uniqueId('order'),
      currency: 'EUR',
      amount: 0,
      refundMethod: 'NONE',
    });
    const byId = await call<RefundView>(service, 'GET', `/refunds/${outcome.refundId}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ id: outcome.refundId, cancellationId, status: 'SUCCEEDED', parts: [] });
    const byCancellation = await call(service, 'GET', `/refunds?cancellationId=${cancellationId}`);
    expect(byCancellation.body).toEqual({ refunds: [byId.body] });
    const none = await call(service, 'GET', `/refunds?cancellationId=${uniqueId('cancel')}`);
    expect(none.body).toEqual({ refunds: [] });
  });

  it('answers 404 for an unknown refund id, whatever its shape', async () => {
    for (const id of ['0b9a4c43-5a43-4a8e-9a4f-1a2b3c4d5e6f', 'not-a-uuid']) {
      const res = await call(service, 'GET', `/refunds/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: { code: 'NOT_FOUND', message: `no refund ${id}` } });
    }
  });

  it('answers 400 when cancellationId is missing', async () => {
    const res = await call(service, 'GET', '/refunds');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/cancellationId/) } });
  });
});

describe('POST /provider-events', () => {
  it('answers 404 for a providerRefundId no refund has, and records no event', async () => {
    const eventId = uniqueId('evt');
    const res = await call(service, 'POST', '/provider-events', { eventId, type: 'refund.settled', providerRefundId: 're_unknown' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no refund part has providerRefundId re_unknown/) },
    });
    expect(await countRows(service, 'provider_event', 'event_id = ?', [eventId])).toBe(0);
  });

  it.each([
    ['no eventId', (_eventId: string) => ({ type: 'refund.settled', providerRefundId: 're_1' }), /eventId/],
    ['an unknown type', (eventId: string) => ({ eventId, type: 'refund.lost', providerRefundId: 're_1' }), /type/],
    ['no providerRefundId', (eventId: string) => ({ eventId, type: 'refund.settled' }), /providerRefundId/],
  ])('refuses an event with %s with 400 and records nothing', async (_what, bodyOf, message) => {
    const eventId = uniqueId('evt');
    const res = await call(service, 'POST', '/provider-events', bodyOf(eventId));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(message) } });
    expect(await countRows(service, 'provider_event', 'event_id = ?', [eventId])).toBe(0);
  });
});

describe('sandbox controls', () => {
  it.each([
    ['an unknown mode', { operation: 'refund', mode: 'EXPLODE' }, /mode/],
    ['an unknown operation', { operation: 'capture', mode: 'FAIL' }, /operation/],
  ])('POST /sandbox/faults refuses %s with 400 and stores no fault', async (_what, body, message) => {
    const orderId = uniqueId('order');
    const res = await call(service, 'POST', '/sandbox/faults', { orderId, ...body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(message) } });
    expect(await countRows(service, 'sandbox_fault', 'order_id = ?', [orderId])).toBe(0);
  });

  it('POST /sandbox/outage does not exist unless SANDBOX_OUTAGES is set: no caller can stall every refund', async () => {
    const res = await fetch(`${service.url}/sandbox/outage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await supportToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect(res.status).toBe(404);
    expect(await countRows(service, 'sandbox_outage', 'true', [])).toBe(0);
  });

  it('POST /sandbox/faults without an order is refused with 400', async () => {
    const res = await call(service, 'POST', '/sandbox/faults', { operation: 'refund', mode: 'FAIL' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: expect.stringMatching(/orderId/) } });
  });

  it('settling an unknown provider refund answers 404', async () => {
    const res = await call(service, 'POST', '/sandbox/refunds/re_nope/settle');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { message: 'the sandbox provider has no refund re_nope' } });
  });

  it('settling with an unknown outcome is refused with 400 and leaves the refund PENDING', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await call(service, 'POST', '/payments', { orderId, method: 'BANK_TRANSFER', amount: 100, currency: 'EUR', reference: 'b' });
    await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 100, refundMethod: 'ORIGINAL_PAYMENT' });
    const refund = (await call<{ refunds: RefundView[] }>(service, 'GET', `/refunds?cancellationId=${cancellationId}`)).body.refunds[0]!;
    const res = await call(service, 'POST', `/sandbox/refunds/${refund.parts[0]!.providerRefundId}/settle`, { outcome: 'MAYBE' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { message: expect.stringMatching(/outcome: must be SETTLED or FAILED/) } });
    expect((await call<RefundView>(service, 'GET', `/refunds/${refund.id}`)).body.status).toBe('PENDING');
  });
});

it('an unknown route answers 404 with a message', async () => {
  const res = await call(service, 'GET', '/nothing-here');
  expect(res.status).toBe(404);
  expect(res.body).toMatchObject({ error: { message: 'no route GET /nothing-here' } });
});
