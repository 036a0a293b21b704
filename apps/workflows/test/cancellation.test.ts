import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelOrder, eventually, importOrder, unique, type CancellationAccepted, type OrderBody } from '@cancelflow/testing';
import { startSystem, TEST_METRICS_TOKEN, type RunningSystem } from '@cancelflow/system';
import type { CancellationBody, CancellationStep, RefundMethod } from '@cancelflow/domain';
interface OrderPayments {
  totals: { charged: number; refunded: number; ledgerReturned: number };
  refunds: { status: string; parts: { channel: string; amount: number; status: string; providerRefundId?: string }[] }[];
}

let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem();
});

afterAll(async () => {
  await system?.close();
});

const cancel = (order: OrderBody, body: Record<string, unknown> = {}) => cancelOrder(system.orders, order, body);

const cancellation = async (id: string) => (await system.orders.get<CancellationBody>(`/cancellations/${id}`)).body;

const untilStatus = (id: string, status: string, timeoutMs = 30_000) =>
  eventually(
    async () => {
      const c = await cancellation(id);
      return c.status === status ? c : undefined;
    },
    { timeoutMs, what: `cancellation ${id} to be ${status}` },
  );

const untilStep = (id: string, step: CancellationStep) =>
  eventually(
    async () => {
      const c = await cancellation(id);
      return c.steps.some((s) => s.step === step) ? c : undefined;
    },
    { what: `cancellation ${id} to reach ${step}` },
  );

const money = async (orderId: string) => (await system.payments.get<OrderPayments>(`/orders/${orderId}/payments`)).body;

const stepsOf = (c: CancellationBody) => c.steps.map((s) => s.step);

describe('a merchant cancellation runs to CANCELLED only after the refund succeeded', () => {
  it('refunds the card once and completes, emailing the customer', async () => {
    const order = await importOrder(system.orders);
    const { cancellationId } = await cancel(order);
    const done = await untilStatus(cancellationId, 'CANCELLED');
    expect(stepsOf(done)).toEqual(
      expect.arrayContaining(['RESERVED', 'CHANNEL_NOTIFIED', 'REFUND_REQUESTED', 'REFUND_SUCCEEDED', 'CANCELLED']),
    );
    expect(stepsOf(done).indexOf('REFUND_SUCCEEDED')).toBeLessThan(stepsOf(done).indexOf('CANCELLED'));

    const { totals } = await money(order.id);
    expect(totals).toMatchObject({ charged: 5500, refunded: 5500 });
    const orderAfter = (await system.orders.get<OrderBody>(`/orders/${order.id}`)).body;
    expect(orderAfter.status).toBe('CANCELLED');

    await untilStep(cancellationId, 'CUSTOMER_NOTIFIED');
    const emails = await system.notifications.get<{ items: { template: string; toAddress?: string; to?: string }[] }>(
      `/emails?orderId=${order.id}`,
    );
    expect(emails.body.items.map((e) => e.template)).toContain('CANCELLATION_CONFIRMED');
  });

  it.each<[RefundMethod, number]>([
    ['STORE_CREDIT', 5500],
    ['POINTS', 5500],
  ])('refunding by %s completes at once from the merchant ledger', async (refundMethod, ledger) => {
    const order = await importOrder(system.orders);
    const { cancellationId } = await cancel(order, { refundMethod });
    await untilStatus(cancellationId, 'CANCELLED');
    expect((await money(order.id)).totals.ledgerReturned).toBe(ledger);
  });

  it('an order paid fully in points completes at once, the points given back', async () => {
    const order = await importOrder(system.orders, {
      lines: [{ sku: 'MUG', quantity: 2, unitPrice: 1000 }],
      payments: [{ method: 'POINTS', amount: 2000, reference: unique('pts') }],
    });
    const { cancellationId } = await cancel(order);
    await untilStatus(cancellationId, 'CANCELLED');
    const { totals, refunds } = await money(order.id);
    expect(totals.ledgerReturned).toBe(2000);
    expect(refunds[0]!.parts).toEqual([expect.objectContaining({ channel: 'POINTS', amount: 2000, status: 'SUCCEEDED' })]);
  });

  it('a failed refund stays IN_PROGRESS and visible until support retries it', async () => {
    const order = await importOrder(system.orders);
    const fault = await system.payments.post('/sandbox/faults', {
      orderId: order.id,
      operation: 'refund',
      mode: 'FAIL_ONCE',
      failureReason: 'card_expired',
    });
    expect(fault.status).toBeLessThan(300);
    const { cancellationId } = await cancel(order);

    const failed = await untilStep(cancellationId, 'REFUND_FAILED');
    expect(failed.status).toBe('IN_PROGRESS');
    expect(failed.refundStatus).toBe('FAILED');
    expect(failed.refundFailureReason).toMatch(/card_expired/);
    // While IN_PROGRESS the process's own state is shown beside the record.
    await eventually(async () => ((await cancellation(cancellationId)).live?.phase === 'REFUND_FAILED' ? true : undefined), {
      what: 'the live phase REFUND_FAILED',
    });
    await eventually(
      async () => {
        const mails = await system.notifications.get<{ items: { template: string }[] }>(`/emails?orderId=${order.id}`);
        return mails.body.items.some((m) => m.template === 'REFUND_FAILED_SUPPORT') ? true : undefined;
      },
      { what: 'the support email about the failed refund' },
    );
    // Nothing settles by itself: it waits for a person.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await cancellation(cancellationId)).status).toBe('IN_PROGRESS');

    const retry = await system.orders.post(`/cancellations/${cancellationId}/retry-refund`, { staffId: 'support-17' });
    expect(retry.status, JSON.stringify(retry.body)).toBeLessThan(300);
    await untilStatus(cancellationId, 'CANCELLED');
    expect((await money(order.id)).totals.refunded).toBe(5500);
    // CANCELLED: the record is whole, the process is not asked.
    expect((await cancellation(cancellationId)).live).toBeUndefined();
  });
});

describe('the money of an order with discounts, shipping and VAT', () => {
  it('cancelled in two parts, the refunds add up to exactly what was paid, and the payment service agrees', async () => {
    // 3 mugs at 9.99 (21 % VAT, 1.00 off the line) and a teapot at 30.00 (9 %), 5.00 off the order, 4.95 shipping.
    const order = await importOrder(system.orders, {
      lines: [
        { sku: 'MUG', quantity: 3, unitPrice: 999, vatRate: 2100, discount: 100 },
        { sku: 'TEAPOT', quantity: 1, unitPrice: 3000, vatRate: 900 },
      ],
      discounts: [{ amount: 500, description: 'WELCOME5' }],
      shipping: { amount: 495, vatRate: 2100 },
    });
    const paid = 3 * 999 - 100 - 500 + 3000 + 495;
    expect(order.total).toBe(paid);
    const [mug, teapot] = order.lines;

    const preview = async (lines: string) =>
      (
        await system.orders.get<{ refundPreview: { amount: number; vat: number; shipping: { amount: number } } }>(
          `/orders/${order.id}/cancellation-eligibility${lines ? `?lines=${lines}` : ''}`,
        )
      ).body.refundPreview;
    const firstPreview = await preview(`${mug!.id}:2`);
    const first = await cancel(order, { lines: [{ lineId: mug!.id, quantity: 2 }] });
    await untilStatus(first.cancellationId, 'CANCELLED');
    const secondPreview = await preview('');
    expect(secondPreview.shipping.amount).toBe(495);
    const second = await cancel(order, {
      lines: [
        { lineId: mug!.id, quantity: 1 },
        { lineId: teapot!.id, quantity: 1 },
      ],
    });
    await untilStatus(second.cancellationId, 'CANCELLED');

    const parts = await Promise.all(
      [first, second].map(
        async (c) => (await system.orders.get<{ amount: number; vat: number }>(`/cancellations/${c.cancellationId}`)).body,
      ),
    );
    expect(parts.map((p) => p.amount)).toEqual([firstPreview.amount, secondPreview.amount]);
    expect(parts.every((p) => p.amount > 0)).toBe(true);
    expect(parts[0]!.amount + parts[1]!.amount).toBe(paid);
    const orderAfter = (await system.orders.get<OrderBody & { money: { vat: number } }>(`/orders/${order.id}`)).body;
    expect(orderAfter.status).toBe('CANCELLED');
    expect(parts[0]!.vat + parts[1]!.vat).toBe(orderAfter.money.vat);

    const { totals, refunds } = await money(order.id);
    expect(totals).toMatchObject({ charged: paid, refunded: paid });
    expect(refunds.map((r) => r.parts.reduce((n, p) => n + p.amount, 0)).sort((a, b) => a - b)).toEqual(
      parts.map((p) => p.amount).sort((a, b) => a - b),
    );
  });
});

describe('what operators see', () => {
  it("the order service's /metrics counts cancellations by status and channel, open requests and waiting cancelled-but-shipped processes", async () => {
    const order = await importOrder(system.orders);
    const { cancellationId } = await cancel(order);
    await untilStatus(cancellationId, 'CANCELLED');
    const metrics = await fetch(`${system.orders.baseUrl}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^cancelflow_cancellations\{status="CANCELLED",channel="webshop"[^}]*\} [1-9]\d*$/m);
    expect(text).toContain('# TYPE cancelflow_open_cancellation_requests gauge');
    expect(text).toContain('# TYPE cancelflow_cancelled_but_shipped_steps_waiting gauge');
  });
});

describe('channel rules during a cancellation', () => {
  it('eBay: a paid, unshipped order opens a dispute and stays open until the dispute closes', async () => {
    const order = await importOrder(system.orders, { channel: 'ebay', channelOrderNo: unique('EB') });
    const { cancellationId } = await cancel(order);
    await untilStep(cancellationId, 'DISPUTE_OPENED');
    const dispute = await system.orders.get<{ items?: unknown[] }>(`/sandbox/channel-messages?orderId=${order.id}`);
    expect(dispute.status).toBe(200);
    const orderWhileOpen = (await system.orders.get<OrderBody & { cancellations: { id: string }[] }>(`/orders/${order.id}`)).body;
    expect(orderWhileOpen.status).not.toBe('CANCELLED');
    expect((await cancellation(cancellationId)).status).toBe('IN_PROGRESS');

    const disputeId = await eventually(
      async () => {
        const c = await system.orders.get<{ dispute?: { id: string } }>(`/cancellations/${cancellationId}`);
        return c.body.dispute?.id;
      },
      { what: 'the dispute on the cancellation' },
    );
    const closed = await system.orders.post(`/disputes/${disputeId}/close`, { resolution: 'SELLER_REFUNDS' });
    expect(closed.status).toBe(200);
    await untilStatus(cancellationId, 'CANCELLED');
    expect((await money(order.id)).totals.refunded).toBe(5500);
  });

  it('a third-party-managed order is never synced back to its marketplace', async () => {
    const order = await importOrder(system.orders, { channel: 'amazon', channelOrderNo: unique('AMZ'), thirdPartyManaged: true });
    const { cancellationId } = await cancel(order, { restock: true });
    const done = await untilStatus(cancellationId, 'CANCELLED');
    expect(done.steps.find((s) => s.step === 'CHANNEL_NOTIFIED')?.detail).toMatch(/third party/);
    const messages = await system.orders.get<{ items: unknown[] }>(`/sandbox/channel-messages?orderId=${order.id}`);
    expect(messages.body.items).toHaveLength(0);
  });

  it('Amazon with restock: our stock and the marketplace are both told, once', async () => {
    const order = await importOrder(system.orders, { channel: 'amazon', channelOrderNo: unique('AMZ') });
    const { cancellationId } = await cancel(order, { restock: true });
    await untilStatus(cancellationId, 'CANCELLED');
    const movements = await system.orders.get<{ items: unknown[] }>(`/sandbox/inventory-movements?orderId=${order.id}`);
    expect(movements.body.items).toHaveLength(2);
    const messages = await system.orders.get<{ items: { payload?: unknown }[] }>(`/sandbox/channel-messages?orderId=${order.id}`);
    expect(messages.body.items).toHaveLength(1);
    expect(JSON.stringify(messages.body.items[0])).toMatch(/restock/i);
  });
});

describe('repeats, races and crashes', () => {
  it('a repeated request finds the same cancellation and starts no second workflow', async () => {
    const order = await importOrder(system.orders);
    const body = {
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('C'),
    };
    const first = await system.orders.post<CancellationAccepted>(`/orders/${order.id}/cancellations`, body);
    const second = await system.orders.post<CancellationAccepted>(`/orders/${order.id}/cancellations`, body);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.cancellationId).toBe(first.body.cancellationId);
    await untilStatus(first.body.cancellationId, 'CANCELLED');
    expect((await money(order.id)).totals.refunded).toBe(1250);
    const runs = system.temporal.workflow.list({ query: `WorkflowId = '${first.body.workflowId}'` });
    let count = 0;
    for await (const _ of runs) count += 1;
    expect(count).toBe(1);
  });

  it('two concurrent cancellations of the same line: one wins, the other is refused, money moves once', async () => {
    const order = await importOrder(system.orders);
    const line = order.lines[0]!;
    const attempt = () =>
      system.orders.post<CancellationAccepted>(`/orders/${order.id}/cancellations`, {
        lines: [{ lineId: line.id, quantity: 2 }],
        reason: 'OUT_OF_STOCK',
        merchantCancellationNumber: unique('C'),
      });
    const answers = await Promise.all([attempt(), attempt()]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([202, 422]);
    const winner = answers.find((a) => a.status === 202)!;
    await untilStatus(winner.body.cancellationId, 'CANCELLED');
    const after = (await system.orders.get<OrderBody>(`/orders/${order.id}`)).body;
    expect(after.lines[0]).toMatchObject({ cancelledQuantity: 2, openQuantity: 0 });
    expect((await money(order.id)).totals.refunded).toBe(2500);
  });

  it('a worker killed while the refund is pending resumes where it was, refunding once', async () => {
    const order = await importOrder(system.orders);
    const { cancellationId } = await cancel(order, { refundMethod: 'BANK_DEPOSIT' });
    await untilStep(cancellationId, 'REFUND_REQUESTED');
    await system.restartCancellationsWorker();
    const part = (await money(order.id)).refunds[0]!.parts[0]!;
    await system.payments.post('/provider-events', {
      eventId: unique('evt'),
      type: 'refund.settled',
      providerRefundId: part.providerRefundId,
    });
    const done = await untilStatus(cancellationId, 'CANCELLED');
    expect(done.steps.filter((s) => s.step === 'REFUND_REQUESTED')).toHaveLength(1);
    const { totals, refunds } = await money(order.id);
    expect(refunds).toHaveLength(1);
    expect(totals.refunded).toBe(5500);
  });
});
