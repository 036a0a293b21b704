import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cancelOrder, eventually, importOrder, type ApiClient } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { serviceToken, supportToken } from '@cancelflow/testing/tokens';
import { armFault } from '@cancelflow/service-kit/faults';
import type { CancellationStep } from '@cancelflow/domain';
import type { UndoStep } from '@cancelflow/domain/undo-cancellation';

interface CancellationBody {
  status: string;
  steps: { step: CancellationStep; detail?: string }[];
}
interface OrderPayments {
  totals: { charged: number; refunded: number; paidAgain: number };
  refunds: { status: string; parts: { channel: string; status: string; providerRefundId?: string }[] }[];
}

let started: RunningSystem;
let system: { orders: ApiClient; importer: ApiClient; payments: ApiClient; notifications: ApiClient };
const disarms: (() => void)[] = [];

beforeAll(async () => {
  // Reminders far apart: a payment found here was found by asking, not at a reminder.
  started = await startSystem({ env: { UNDO_PAYMENT_REMINDER_INTERVAL: '1h', UNDO_PAYMENT_DEADLINE: '2h' } });
  const [support, service] = await Promise.all([supportToken(), serviceToken()]);
  system = {
    orders: started.orders.withToken(support),
    importer: started.orders.withToken(service),
    payments: started.payments.withToken(service),
    notifications: started.notifications.withToken(support),
  };
});

afterAll(async () => {
  await started?.close();
});

afterEach(() => {
  for (const disarm of disarms.splice(0)) disarm();
});

const cancellation = async (id: string) => (await system.orders.get<CancellationBody>(`/cancellations/${id}`)).body;
const untilCancelled = (id: string) =>
  eventually(
    async () => {
      const c = await cancellation(id);
      return c.status === 'CANCELLED' && c.steps.some((s) => s.step === 'CUSTOMER_NOTIFIED') ? c : undefined;
    },
    { what: `cancellation ${id} to be CANCELLED`, timeoutMs: 60_000 },
  );
const untilStep = (id: string, step: CancellationStep) =>
  eventually(async () => ((await cancellation(id)).steps.some((s) => s.step === step) ? true : undefined), {
    what: `cancellation ${id} to reach ${step}`,
  });
const money = async (orderId: string) => (await system.payments.get<OrderPayments>(`/orders/${orderId}/payments`)).body;
const emailsOf = async (orderId: string) =>
  (await system.notifications.get<{ items: { template: string }[] }>(`/emails?orderId=${orderId}`)).body.items.map((e) => e.template);
const count = <T>(items: readonly T[], item: T) => items.filter((i) => i === item).length;

/** One cancellation, completed once: one refund settled, one REFUND_SUCCEEDED, one confirmation email. */
async function expectCompletedOnce(orderId: string, c: CancellationBody): Promise<void> {
  const steps = c.steps.map((s) => s.step);
  expect(count(steps, 'REFUND_SUCCEEDED')).toBe(1);
  expect(count(steps, 'CANCELLED')).toBe(1);
  const { totals, refunds } = await money(orderId);
  expect(refunds).toHaveLength(1);
  expect(refunds[0]!.parts.every((p) => p.status === 'SUCCEEDED')).toBe(true);
  expect(totals.refunded).toBe(totals.charged);
  expect(count(await emailsOf(orderId), 'CANCELLATION_CONFIRMED')).toBe(1);
}

describe('a cancellation never waits forever on a provider event', () => {
  it('a provider that never sends the event: the workflow asks, completes once, and a duplicated event later changes nothing', async () => {
    const order = await importOrder(system.importer);
    expect(
      (await system.payments.post('/sandbox/faults', { orderId: order.id, operation: 'refund', mode: 'SETTLE_SILENTLY' })).status,
    ).toBe(201);
    const { cancellationId } = await cancelOrder(system.orders, order);
    const done = await untilCancelled(cancellationId);
    await expectCompletedOnce(order.id, done);

    // The provider's event turns up after all, twice: nothing moves, nobody is emailed again.
    const providerRefundId = (await money(order.id)).refunds[0]!.parts[0]!.providerRefundId!;
    for (let i = 0; i < 2; i++) {
      const late = await system.payments.post<{ statusChanged: boolean }>('/provider-events', {
        eventId: `sandbox:${providerRefundId}:settled`,
        type: 'refund.settled',
        providerRefundId,
      });
      expect(late.status).toBe(200);
      expect(late.body.statusChanged).toBe(false);
    }
    await expectCompletedOnce(order.id, await cancellation(cancellationId));
  });

  it('the settlement stored but the workflow never signalled (a crash between the two): the workflow finds it by asking', async () => {
    // Every event is applied and then this process "dies" before it can signal, retries included.
    disarms.push(armFault('refund.event-applied', 'throw', Number.POSITIVE_INFINITY));
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancelOrder(system.orders, order);
    const done = await untilCancelled(cancellationId);
    await expectCompletedOnce(order.id, done);
  });

  it('a bank deposit settled by the provider without an event completes the cancellation once', async () => {
    const order = await importOrder(system.importer);
    await system.payments.post('/sandbox/faults', { orderId: order.id, operation: 'refund', mode: 'SETTLE_SILENTLY' });
    const { cancellationId } = await cancelOrder(system.orders, order, { refundMethod: 'BANK_DEPOSIT' });
    await untilStep(cancellationId, 'REFUND_REQUESTED');
    const providerRefundId = (await money(order.id)).refunds[0]!.parts[0]!.providerRefundId!;
    expect((await system.payments.post(`/sandbox/refunds/${providerRefundId}/settle`, { outcome: 'SETTLED' })).status).toBe(200);
    const done = await untilCancelled(cancellationId);
    await expectCompletedOnce(order.id, done);
  });
});

describe('an undo never waits forever on a payment event', () => {
  it('the customer paid at the provider, which never said so: the undo asks between reminders and completes', async () => {
    const order = await importOrder(system.importer);
    const { cancellationId } = await cancelOrder(system.orders, order, { refundMethod: 'BANK_DEPOSIT' });
    await untilStep(cancellationId, 'REFUND_REQUESTED');
    const providerRefundId = (await money(order.id)).refunds[0]!.parts[0]!.providerRefundId!;
    await system.payments.post(`/sandbox/refunds/${providerRefundId}/settle`, { outcome: 'SETTLED' });
    await untilCancelled(cancellationId);

    const undo = await system.orders.post<{ undoId: string }>(`/cancellations/${cancellationId}/undo`, {
      reason: 'customer changed their mind',
      staffId: 'sam',
    });
    expect(undo.status).toBe(202);
    const undoOf = async () =>
      (await system.orders.get<{ status: string; steps: { step: UndoStep; detail?: string }[] }>(`/undos/${undo.body.undoId}`)).body;
    const requested = await eventually(async () => (await undoOf()).steps.find((s) => s.step === 'PAYMENT_REQUESTED'), {
      what: 'the payment request',
    });
    const paymentRequestId = /payment request ([0-9a-f-]{36})/.exec(requested.detail!)![1]!;

    const paid = await system.payments.post(`/sandbox/payment-requests/${paymentRequestId}/pay`, {
      amount: 5500,
      currency: 'EUR',
      silent: true,
    });
    expect(paid.status).toBe(201);
    const undone = await eventually(
      async () => {
        const u = await undoOf();
        return u.status === 'UNDONE' && u.steps.some((s) => s.step === 'CUSTOMER_NOTIFIED') ? u : undefined;
      },
      { what: 'the undo to complete', timeoutMs: 60_000 },
    );
    const steps = undone.steps.map((s) => s.step);
    expect(count(steps, 'PAYMENT_RECEIVED')).toBe(1);
    expect(steps).not.toContain('PAYMENT_REMINDER_SENT');
    expect((await money(order.id)).totals.paidAgain).toBe(5500);
  });
});
