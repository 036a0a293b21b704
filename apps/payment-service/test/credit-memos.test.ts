import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPaymentService } from '../src/service.ts';
import { call, countRows, startTestService, uniqueId } from './helpers.ts';
import type { RecordedAcknowledgement } from '@cancelflow/workflows/contracts/cancelled-but-shipped';

let service: RunningPaymentService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

interface ErrorBody {
  error: { code: string; message: string };
}

const accepted = (over: Partial<RecordedAcknowledgement> = {}): RecordedAcknowledgement => ({
  accepted: true,
  via: 'EMAIL_REPLY',
  by: 'ada@example.com',
  evidence: 'I accept',
  messageId: '<reply-1@example.com>',
  at: new Date().toISOString(),
  ...over,
});

/** A cancelled-but-shipped process whose customer acknowledgement is recorded (through the activity, as the workflow does). */
async function acknowledgedCancelledButShipped(acknowledgement = accepted()) {
  const cancelledButShipped = {
    cancelledButShippedId: randomUUID(),
    orderId: uniqueId('order'),
    merchantId: uniqueId('m'),
    amount: 2500,
    currency: 'EUR',
  };
  const { acknowledgementId } = await service.cancelledButShippedActivities.recordCustomerAcknowledgement({
    ...cancelledButShipped,
    acknowledgement,
  });
  return { ...cancelledButShipped, acknowledgementId };
}

describe('credit memos pay the seller only with a recorded customer acknowledgement', () => {
  it('POST /credit-memos without a recorded acknowledgement is refused (422) and writes nothing', async () => {
    const cancelledButShippedId = randomUUID();
    const answer = await call<ErrorBody>(service, 'POST', '/credit-memos', {
      cancelledButShippedId,
      orderId: uniqueId('order'),
      merchantId: 'm-1',
      acknowledgementId: randomUUID(),
      amount: 2500,
      currency: 'EUR',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/the credit memo refused: no customer acknowledgement .* is recorded/);
    expect(await countRows(service, 'credit_memo', 'cancelled_but_shipped_id = ?', [cancelledButShippedId])).toBe(0);
  });

  it('the activity refuses it too, for good (non-retryable), whoever asks', async () => {
    const cancelledButShippedId = randomUUID();
    const attempt = service.cancelledButShippedActivities.issueCreditMemo({
      cancelledButShippedId,
      orderId: uniqueId('order'),
      merchantId: 'm-1',
      acknowledgementId: randomUUID(),
      amount: 2500,
      currency: 'EUR',
    });
    await expect(attempt).rejects.toMatchObject({ nonRetryable: true, message: expect.stringMatching(/no customer acknowledgement/) });
    expect(await countRows(service, 'credit_memo', 'cancelled_but_shipped_id = ?', [cancelledButShippedId])).toBe(0);
  });

  it('refuses an acknowledgement of another cancelled-but-shipped process, a refusal, and another amount than the customer acknowledged', async () => {
    const a = await acknowledgedCancelledButShipped();
    const b = await acknowledgedCancelledButShipped();
    const other = await call<ErrorBody>(service, 'POST', '/credit-memos', { ...a, acknowledgementId: b.acknowledgementId });
    expect(other.status).toBe(422);
    expect(other.body.error.message).toMatch(/belongs to cancelled-but-shipped process/);
    const more = await call<ErrorBody>(service, 'POST', '/credit-memos', { ...a, amount: 9999 });
    expect(more.status).toBe(422);
    expect(more.body.error.message).toMatch(/acknowledged 2500 EUR, not 9999 EUR/);
    const refused = await acknowledgedCancelledButShipped(accepted({ accepted: false, evidence: 'I refuse' }));
    const answer = await call<ErrorBody>(service, 'POST', '/credit-memos', refused);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/the customer refused the item/);
  });

  it('with the acknowledgement it is created once per cancelled-but-shipped process: the same request again answers the same memo', async () => {
    const cancelledButShipped = await acknowledgedCancelledButShipped();
    const first = await call<{ id: string; acknowledgementId: string }>(service, 'POST', '/credit-memos', cancelledButShipped);
    expect(first.status).toBe(201);
    expect(first.body.acknowledgementId).toBe(cancelledButShipped.acknowledgementId);
    const again = await call<{ id: string }>(service, 'POST', '/credit-memos', cancelledButShipped);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const viaActivity = await service.cancelledButShippedActivities.issueCreditMemo(cancelledButShipped);
    expect(viaActivity.creditMemoId).toBe(first.body.id);
    expect((await call(service, 'GET', `/credit-memos/${first.body.id}`)).status).toBe(200);
    expect(await countRows(service, 'credit_memo', 'cancelled_but_shipped_id = ?', [cancelledButShipped.cancelledButShippedId])).toBe(1);
  });

  it('answers 400 for bad input and 404 for unknown memos and acknowledgements', async () => {
    for (const body of [
      {},
      { cancelledButShippedId: 'c', orderId: 'o', merchantId: 'm', amount: 10, currency: 'EUR' },
      { cancelledButShippedId: 'c', orderId: 'o', merchantId: 'm', acknowledgementId: 'a', amount: 10.5, currency: 'EUR' },
    ]) {
      const answer = await call<ErrorBody>(service, 'POST', '/credit-memos', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await call(service, 'GET', `/credit-memos/${randomUUID()}`)).status).toBe(404);
    expect((await call(service, 'GET', `/acknowledgements/${randomUUID()}`)).status).toBe(404);
    expect((await call(service, 'GET', '/rebills')).status).toBe(400);
  });
});

describe('rebills', () => {
  it('charge the customer exactly once per cancelled-but-shipped process, however often asked, and only with an accepting acknowledgement', async () => {
    const cancelledButShipped = await acknowledgedCancelledButShipped();
    const input = {
      cancelledButShippedId: cancelledButShipped.cancelledButShippedId,
      orderId: cancelledButShipped.orderId,
      amount: cancelledButShipped.amount,
      currency: 'EUR',
      approvedBy: 'grace',
    };
    const [a, b] = await Promise.all([
      service.cancelledButShippedActivities.rebillCustomer(input),
      service.cancelledButShippedActivities.rebillCustomer(input),
    ]);
    expect(a.rebillId).toBe(b.rebillId);
    expect((await service.cancelledButShippedActivities.rebillCustomer(input)).rebillId).toBe(a.rebillId);
    expect(await countRows(service, 'rebill', 'cancelled_but_shipped_id = ?', [cancelledButShipped.cancelledButShippedId])).toBe(1);
    expect(await countRows(service, 'sandbox_charge', 'idempotency_key = ?', [`rebill:${cancelledButShipped.cancelledButShippedId}`])).toBe(
      1,
    );
    const listed = await call<{ items: { amount: number; approvedBy: string }[] }>(
      service,
      'GET',
      `/rebills?cancelledButShippedId=${cancelledButShipped.cancelledButShippedId}`,
    );
    expect(listed.body.items).toEqual([expect.objectContaining({ amount: 2500, approvedBy: 'grace' })]);

    const unacknowledged = { ...input, cancelledButShippedId: randomUUID() };
    await expect(service.cancelledButShippedActivities.rebillCustomer(unacknowledged)).rejects.toMatchObject({ nonRetryable: true });
    expect(await countRows(service, 'sandbox_charge', 'idempotency_key = ?', [`rebill:${unacknowledged.cancelledButShippedId}`])).toBe(0);
  });

  it('recording the acknowledgement is idempotent on the cancelled-but-shipped process: the first record stays', async () => {
    const cancelledButShipped = await acknowledgedCancelledButShipped();
    const again = await service.cancelledButShippedActivities.recordCustomerAcknowledgement({
      ...cancelledButShipped,
      acknowledgement: accepted({ accepted: false, evidence: 'changed' }),
    });
    expect(again.acknowledgementId).toBe(cancelledButShipped.acknowledgementId);
    const stored = await call<{ accepted: boolean; evidence: string }>(
      service,
      'GET',
      `/acknowledgements/${cancelledButShipped.acknowledgementId}`,
    );
    expect(stored.body).toMatchObject({ accepted: true, evidence: 'I accept' });
  });
});
