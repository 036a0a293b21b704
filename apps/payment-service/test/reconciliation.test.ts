import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { armFault } from '@cancelflow/service-kit/faults';
import { SandboxRefund, RefundPart } from '../src/db/entities/index.ts';
import { createPaymentBook, outcomeOf } from '../src/refunds/index.ts';
import { partOf } from '../src/refunds/provider-events.ts';
import type { RunningPaymentService } from '../src/service.ts';
import { call, countRows, recordPayments, startTestService, uniqueId, waitForRefundStatus } from './helpers.ts';

let service: RunningPaymentService;
const disarms: (() => void)[] = [];

beforeAll(async () => {
  service = await startTestService();
});

afterAll(async () => {
  await service?.close();
});

afterEach(() => {
  for (const disarm of disarms.splice(0)) disarm();
});

const card = (amount: number) => {
  const orderId = uniqueId('order');
  const cancellationId = uniqueId('cancel');
  return {
    orderId,
    cancellationId,
    input: { cancellationId, orderId, currency: 'EUR', amount, refundMethod: 'ORIGINAL_PAYMENT' } as const,
  };
};

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sandboxStatus = async (s: RunningPaymentService, providerRefundId: string) =>
  (
    await s.orm.em
      .fork()
      .execute<{ status: string }[]>(`select "status" from "payments"."sandbox_refund" where "provider_refund_id" = ?`, [providerRefundId])
  )[0]?.status;

const outboxOf = async (s: RunningPaymentService, providerRefundId: string) =>
  s.orm.em
    .fork()
    .execute<{ event_id: string; delivered_at: Date | null }[]>(
      `select "event_id", "delivered_at" from "payments"."sandbox_outbox" where "payload"->>'providerRefundId' = ?`,
      [providerRefundId],
    );

describe('a refund the provider ended is settled even when its event never comes', () => {
  it('a provider that never sends the event: asking it settles the refund, and the late event changes nothing', async () => {
    const { orderId, cancellationId, input } = card(2500);
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 2500 }]);
    await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_SILENTLY' });

    const pending = await service.activities.requestRefund(input);
    expect(pending.status).toBe('PENDING');
    const providerRefundId = (await service.book.refundByCancellation(cancellationId))!.parts[0]!.providerRefundId!;
    await until('the provider to settle it', async () =>
      (await sandboxStatus(service, providerRefundId)) === 'SETTLED' ? true : undefined,
    );
    // It owes no event at all: only asking can find out.
    expect(await outboxOf(service, providerRefundId)).toEqual([]);
    expect(await service.activities.getRefund(cancellationId)).toMatchObject({ status: 'PENDING' });

    const reconciled = await service.activities.reconcileRefund(cancellationId);
    expect(reconciled).toMatchObject({ status: 'SUCCEEDED', parts: [{ channel: 'CARD', status: 'SUCCEEDED' }] });
    const view = (await service.book.refundByCancellation(cancellationId))!;
    expect(view.parts[0]!.settledAt).not.toBeNull();

    // The event arrives after all (a provider's late retry): applied once already, nothing moves.
    const late = await call<{ duplicate: boolean; statusChanged: boolean }>(service, 'POST', '/provider-events', {
      eventId: `sandbox:${providerRefundId}:settled`,
      type: 'refund.settled',
      providerRefundId,
    });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({ statusChanged: false });
    expect(await service.activities.reconcileRefund(cancellationId)).toEqual(reconciled);
    expect(await countRows(service, 'sandbox_refund', 'idempotency_key like ?', [`${cancellationId}:%`])).toBe(1);
  });

  it('a bank deposit is asked for too: still pending stays pending, settled without an event settles', async () => {
    const orderId = uniqueId('order');
    const cancellationId = uniqueId('cancel');
    await recordPayments(service, orderId, [{ method: 'BANK_TRANSFER', amount: 900 }]);
    await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_SILENTLY' });
    await service.activities.requestRefund({ cancellationId, orderId, currency: 'EUR', amount: 900, refundMethod: 'BANK_DEPOSIT' });
    const providerRefundId = (await service.book.refundByCancellation(cancellationId))!.parts[0]!.providerRefundId!;
    expect(providerRefundId).toMatch(/^bd_/);

    expect(await service.activities.reconcileRefund(cancellationId)).toMatchObject({ status: 'PENDING' });
    const settled = await call(service, 'POST', `/sandbox/refunds/${providerRefundId}/settle`, { outcome: 'SETTLED' });
    expect(settled.status).toBe(200);
    expect(await service.activities.getRefund(cancellationId)).toMatchObject({ status: 'PENDING' });
    expect(await service.activities.reconcileRefund(cancellationId)).toMatchObject({
      status: 'SUCCEEDED',
      parts: [{ channel: 'BANK_DEPOSIT', status: 'SUCCEEDED' }],
    });
  });

  it('a failure whose event was lost on the way is found by asking, with its reason', async () => {
    // A process whose sweep would not come round again: the stored event stays undelivered.
    const quiet = await startTestService({ sandboxSweepMs: 3_600_000 });
    try {
      const { orderId, cancellationId, input } = card(700);
      await recordPayments(quiet, orderId, [{ method: 'CARD', amount: 700 }]);
      await call(quiet, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_MANUALLY' });
      await quiet.activities.requestRefund(input);
      const providerRefundId = (await quiet.book.refundByCancellation(cancellationId))!.parts[0]!.providerRefundId!;
      disarms.push(armFault('sandbox.refund-settled', 'throw', 1, orderId));
      expect(
        (await call(quiet, 'POST', `/sandbox/refunds/${providerRefundId}/settle`, { outcome: 'FAILED', failureReason: 'account_closed' }))
          .status,
      ).toBe(500);
      expect(await sandboxStatus(quiet, providerRefundId)).toBe('FAILED');
      expect(await quiet.activities.reconcileRefund(cancellationId)).toMatchObject({ status: 'FAILED', failureReason: 'account_closed' });
    } finally {
      await quiet.close();
    }
  });
});

describe('an event and the answer to our question racing settle the refund once', () => {
  it('whichever comes second changes nothing: one status change, one signal', async () => {
    const signals: string[] = [];
    const book = createPaymentBook({
      orm: service.orm,
      provider: service.sandbox,
      onRefundStatusChanged: async (r) => void signals.push(r.cancellationId),
    });
    const cases = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { orderId, cancellationId, input } = card(1100);
        await recordPayments(service, orderId, [{ method: 'CARD', amount: 1100 }]);
        await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_SILENTLY' });
        await service.activities.requestRefund(input);
        const providerRefundId = (await service.book.refundByCancellation(cancellationId))!.parts[0]!.providerRefundId!;
        await until('the provider to settle it', async () =>
          (await sandboxStatus(service, providerRefundId)) === 'SETTLED' ? true : undefined,
        );
        return { cancellationId, providerRefundId };
      }),
    );
    const results = await Promise.all(
      cases.map(async ({ cancellationId, providerRefundId }) => {
        const [event, answer] = await Promise.all([
          book.handleProviderEvent({ eventId: `sandbox:${providerRefundId}:settled`, type: 'refund.settled', providerRefundId }),
          book.reconcileRefund(cancellationId),
        ]);
        return { cancellationId, changes: Number(event.statusChanged) + Number(answer.statusChanged), status: answer.refund.status };
      }),
    );
    for (const result of results) {
      expect(result.changes, result.cancellationId).toBe(1);
      expect((await book.refundByCancellation(result.cancellationId))!.status).toBe('SUCCEEDED');
    }
    // Only the event path signals, and only when it was the one that moved the refund.
    const eventWins = results.filter((r) => signals.includes(r.cancellationId)).length;
    expect(new Set(signals).size).toBe(signals.length);
    expect(signals.length).toBe(eventWins);
  });
});

describe('a crash between two writes loses nothing', () => {
  it('killed between settling and delivering: the stored event is delivered after the restart', async () => {
    const { orderId, cancellationId, input } = card(1300);
    // A process whose sweep would not come round again before it dies.
    const before = await startTestService({ sandboxCardSettleMs: 50, sandboxSweepMs: 3_600_000 });
    let providerRefundId: string;
    try {
      await recordPayments(before, orderId, [{ method: 'CARD', amount: 1300 }]);
      disarms.push(armFault('sandbox.refund-settled', 'throw', 1, orderId));
      const outcome = await before.activities.requestRefund(input);
      providerRefundId = (await before.book.refundById(outcome.refundId))!.parts[0]!.providerRefundId!;
      await until('the provider to settle it', async () =>
        (await sandboxStatus(before, providerRefundId)) === 'SETTLED' ? true : undefined,
      );
      const [stored] = await outboxOf(before, providerRefundId);
      expect(stored).toMatchObject({ event_id: `sandbox:${providerRefundId}:settled` });
    } finally {
      await before.close();
    }

    const after = await startTestService();
    try {
      const refund = (await after.book.refundByCancellation(cancellationId))!;
      const settled = await waitForRefundStatus(after, refund.id, 'SUCCEEDED');
      expect(settled.parts).toMatchObject([{ channel: 'CARD', status: 'SUCCEEDED', providerRefundId }]);
      await until('the event to be marked delivered', async () =>
        (await outboxOf(after, providerRefundId))[0]?.delivered_at ? true : undefined,
      );
    } finally {
      await after.close();
    }
  });

  it('an event that outruns our storing of the provider id finds its part by our reference', async () => {
    const { orderId, cancellationId, input } = card(1900);
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 1900 }]);
    // The provider took the refund; this process dies before it stores the provider's id.
    disarms.push(armFault('refund.provider-answered', 'throw'));
    await expect(service.activities.requestRefund(input)).rejects.toThrow(/injected fault at refund.provider-answered/);
    expect((await service.book.refundByCancellation(cancellationId))!.parts[0]!.providerRefundId).toBeNull();

    // The settled event carries our idempotency key and links the part on its way.
    const refund = (await service.book.refundByCancellation(cancellationId))!;
    const settled = await waitForRefundStatus(service, refund.id, 'SUCCEEDED');
    expect(settled.parts[0]!.providerRefundId).toMatch(/^re_/);
    // The activity's retry finds the same refund; the provider was asked to refund once.
    expect(outcomeOf((await service.book.refundByCancellation(cancellationId))!)).toEqual(await service.activities.requestRefund(input));
    expect(await countRows(service, 'sandbox_refund', 'idempotency_key like ?', [`${cancellationId}:%`])).toBe(1);
  });

  it('an event whose part is linked while the event looks for it still finds the part', async () => {
    const { orderId, cancellationId, input } = card(2300);
    await recordPayments(service, orderId, [{ method: 'CARD', amount: 2300 }]);
    await call(service, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_MANUALLY' });
    disarms.push(armFault('refund.provider-answered', 'throw'));
    await expect(service.activities.requestRefund(input)).rejects.toThrow(/injected fault at refund.provider-answered/);
    const part = (await service.book.refundByCancellation(cancellationId))!.parts[0]!;
    const sandboxRow = await service.orm.em.fork().findOneOrFail(SandboxRefund, { idempotencyKey: `${cancellationId}:1:1` });
    const event = {
      eventId: `test:${sandboxRow.providerRefundId}:settled`,
      type: 'refund.settled' as const,
      providerRefundId: sandboxRow.providerRefundId,
      merchantReference: sandboxRow.idempotencyKey,
    };

    // The provider's answer is stored right after the lookup's first query, as it is under load
    // when the answer and the event arrive together.
    const em = service.orm.em.fork();
    let linked = false;
    const racing = new Proxy(em, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if ((property !== 'find' && property !== 'findOne') || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const result: unknown = await value.apply(target, args);
          if (!linked) {
            linked = true;
            await service.orm.em.fork().nativeUpdate(RefundPart, { id: part.id }, { providerRefundId: sandboxRow.providerRefundId });
          }
          return result;
        };
      },
    });
    expect(await partOf(racing, event)).toMatchObject({ id: part.id });
    expect(linked).toBe(true);
  });
});

describe('a payment request paid at the provider without a word to us', () => {
  it('is found PAID by asking, and the event that comes late is a duplicate', async () => {
    const undoId = uniqueId('undo');
    const { orderId, cancellationId } = card(0);
    const request = await service.activities.requestPayment({
      undoId,
      round: 1,
      cancellationId,
      orderId,
      amount: 4200,
      currency: 'EUR',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const paid = await call<{ providerPaymentId: string }>(service, 'POST', `/sandbox/payment-requests/${request.id}/pay`, {
      amount: 4200,
      currency: 'EUR',
      silent: true,
    });
    expect(paid.status).toBe(201);
    expect((await service.activities.getPaymentRequest(request.id)).status).toBe('OPEN');

    expect(await service.activities.reconcilePaymentRequest(request.id)).toMatchObject({ status: 'PAID' });
    const late = await call<{ duplicate: boolean }>(service, 'POST', '/provider-events', {
      eventId: `sandbox:${paid.body.providerPaymentId}:received`,
      type: 'payment.received',
      paymentRequestId: request.id,
      amount: 4200,
      providerPaymentId: paid.body.providerPaymentId,
    });
    expect(late.status).toBe(200);
    expect(late.body.duplicate).toBe(true);
    expect(await countRows(service, 'sandbox_payment', 'payment_request_id = ?', [request.id])).toBe(1);
  });

  it('paid with the event sent: the sandbox delivers payment.received from its outbox', async () => {
    const { orderId, cancellationId } = card(0);
    const request = await service.activities.requestPayment({
      undoId: uniqueId('undo'),
      round: 1,
      cancellationId,
      orderId,
      amount: 800,
      currency: 'EUR',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await call(service, 'POST', `/sandbox/payment-requests/${request.id}/pay`, { amount: 800, currency: 'EUR' })).status).toBe(201);
    await until('the payment request to be PAID', async () =>
      (await service.activities.getPaymentRequest(request.id)).status === 'PAID' ? true : undefined,
    );
  });
  it('a payment the receiver refuses for good (its request expired) is not sent again, and says why', async () => {
    const { orderId, cancellationId } = card(0);
    const request = await service.activities.requestPayment({
      undoId: uniqueId('undo'),
      round: 1,
      cancellationId,
      orderId,
      amount: 300,
      currency: 'EUR',
      dueAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await service.activities.expirePaymentRequest(request.id);
    const paid = await call<{ providerPaymentId: string }>(service, 'POST', `/sandbox/payment-requests/${request.id}/pay`, {
      amount: 300,
      currency: 'EUR',
    });
    expect(paid.status).toBe(201);
    const [row] = await service.orm.em
      .fork()
      .execute<{ abandoned_at: Date | null; delivered_at: Date | null; last_error: string | null }[]>(
        `select "abandoned_at", "delivered_at", "last_error" from "payments"."sandbox_outbox" where "event_id" = ?`,
        [`sandbox:${paid.body.providerPaymentId}:received`],
      );
    expect(row).toMatchObject({ delivered_at: null, last_error: expect.stringMatching(/expired/) });
    expect(row!.abandoned_at).not.toBeNull();
    expect((await service.activities.getPaymentRequest(request.id)).status).toBe('EXPIRED');
  });
});

describe('stuck work is visible to support', () => {
  it('a refund waiting on the provider longer than expected is listed with what it waits for and since when, and counted in /metrics', async () => {
    const metricsToken = 'metrics-token-of-the-reconciliation-test';
    const overdue = await startTestService({ expectedWait: { cardRefundMs: 1, bankDepositMs: 1 }, metricsToken });
    try {
      const { orderId, cancellationId, input } = card(600);
      await recordPayments(overdue, orderId, [{ method: 'CARD', amount: 600 }]);
      await call(overdue, 'POST', '/sandbox/faults', { orderId, operation: 'refund', mode: 'SETTLE_MANUALLY' });
      await overdue.activities.requestRefund(input);
      const refund = (await overdue.book.refundByCancellation(cancellationId))!;
      const providerRefundId = refund.parts[0]!.providerRefundId!;
      await overdue.activities.reconcileRefund(cancellationId);

      const listed = await until('the refund to be overdue', async () => {
        const res = await call<{ waits: Record<string, unknown>[] }>(overdue, 'GET', '/overdue-waits');
        return res.body.waits.find((w) => w.cancellationId === cancellationId);
      });
      expect(listed).toMatchObject({
        kind: 'CARD_REFUND',
        id: refund.parts[0]!.id,
        orderId,
        providerId: providerRefundId,
        waitingFor: `the provider to settle card refund ${providerRefundId}`,
        since: refund.createdAt,
        amount: 600,
        currency: 'EUR',
        expectedMs: 1,
      });
      expect(listed.lastAskedAt).toEqual(expect.any(String));
      const metrics = await fetch(`${overdue.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } }).then((r) => r.text());
      const count = Number(/^cancelflow_overdue_waits\{kind="CARD_REFUND"[^}]*\} (\d+)$/m.exec(metrics)?.[1]);
      expect(count).toBeGreaterThanOrEqual(1);
      expect(metrics).toMatch(/^cancelflow_overdue_wait_oldest_seconds\{kind="CARD_REFUND"[^}]*\} \d+$/m);

      await call(overdue, 'POST', `/sandbox/refunds/${providerRefundId}/settle`, { outcome: 'SETTLED' });
      await waitForRefundStatus(overdue, refund.id, 'SUCCEEDED');
      const after = await call<{ waits: { cancellationId: string }[] }>(overdue, 'GET', '/overdue-waits');
      expect(after.body.waits.map((w) => w.cancellationId)).not.toContain(cancellationId);
    } finally {
      await overdue.close();
    }
  });
});
