import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { armFault } from '@cancelflow/service-kit/faults';
import { eventually, importOrder, merchantToken, orderInput, unique, type OrderBody } from '@cancelflow/testing';
import type { ErrorBody, OrderPaymentsBody } from '@cancelflow/domain';
import {
  ORDER_CONFIRMATION_WORKFLOW_TYPE,
  orderConfirmationWorkflowId,
  type OrderConfirmationInput,
} from '@cancelflow/workflows/contracts/order-confirmation';
import { TASK_QUEUES } from '@cancelflow/domain';
import { startSystem, type RunningSystem } from '../src/system.ts';

/**
 * The payment service knows an order's payments from its import on: the import's process carries
 * them to it durably, once, and an order it never heard of is missing like any other thing.
 */
let system: RunningSystem;
const disarms: (() => void)[] = [];

beforeAll(async () => {
  system = await startSystem({ env: { ORDER_CONFIRMATION_RETRY_AFTER: '300ms' } });
});

afterAll(async () => {
  await system?.close();
});

afterEach(() => {
  for (const disarm of disarms.splice(0)) disarm();
});

const paymentsOf = (orderId: string) => system.payments.get<OrderPaymentsBody | ErrorBody>(`/orders/${orderId}/payments`);

const known = (orderId: string) =>
  eventually(
    async () => {
      const answer = await paymentsOf(orderId);
      return answer.status === 200 ? (answer.body as OrderPaymentsBody) : undefined;
    },
    { what: `the payment service to know order ${orderId}` },
  );

const rowsOf = async (orderId: string) => {
  const [row] = await system.sql<{ payments: string; orders: string }>(
    `select (select count(*) from "payments"."payment" where "order_id" = ?) as payments,
            (select count(*) from "payments"."imported_order" where "order_id" = ?) as orders`,
    [orderId, orderId],
  );
  return { payments: Number(row?.payments), orders: Number(row?.orders) };
};

describe('the payment service knows an order from its import on', () => {
  it('an imported order answers its payments before any cancellation', async () => {
    const order = await importOrder(system.orders, { merchantId: unique('m') });
    const money = await known(order.id);
    expect(money.payments).toEqual([
      expect.objectContaining({
        orderId: order.id,
        method: 'CARD',
        amount: 5500,
        currency: 'EUR',
        reference: order.payments[0]!.reference,
      }),
    ]);
    expect(money.refunds).toEqual([]);
    expect(money.totals).toMatchObject({ currency: 'EUR', charged: 5500, refunded: 0, net: 5500 });
  });

  it('a repeated import, and the same payments delivered again, write nothing twice', async () => {
    const input = orderInput({ merchantId: unique('m') });
    const first = await system.orders.post<OrderBody>('/orders', input);
    expect(first.status).toBe(201);
    const orderId = first.body.id;
    await known(orderId);
    const handle = system.temporal.workflow.getHandle(orderConfirmationWorkflowId(orderId));
    await handle.result();

    expect((await system.orders.post<OrderBody>('/orders', input)).status).toBe(200);
    // The process run again under its id (the sweep restarting one whose start it did not see).
    const history = await handle.fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const started = JSON.parse(Buffer.from(payload!).toString('utf8')) as OrderConfirmationInput;
    expect(started.payments).toEqual({ currency: 'EUR', payments: input.payments });
    const again = await system.temporal.workflow.start(ORDER_CONFIRMATION_WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUES.cancellations,
      workflowId: orderConfirmationWorkflowId(orderId),
      args: [started],
    });
    await again.result();

    expect(await rowsOf(orderId)).toEqual({ payments: 1, orders: 1 });
    expect((await known(orderId)).payments).toHaveLength(1);
  });

  it('the order service dies after the import committed and before its process started: the payments still arrive, once', async () => {
    const input = orderInput({ merchantId: unique('m') });
    // This order's only: the confirmation sweep passes the same point for other files' orders.
    disarms.push(armFault('order.confirmation-owed', 'throw', 1, input.channelOrderNo));
    expect((await system.orders.post('/orders', input)).status).toBe(500);
    const again = await system.orders.post<OrderBody>('/orders', input);
    expect(again.status).toBe(200);

    const money = await known(again.body.id);
    expect(money.payments.map((p) => p.reference)).toEqual(input.payments?.map((p) => p.reference));
    expect(await rowsOf(again.body.id)).toEqual({ payments: 1, orders: 1 });
  });

  it('an order imported with no payment is known too, with none', async () => {
    const order = await importOrder(system.orders, { merchantId: unique('m'), lines: [{ sku: 'SAMPLE', quantity: 1, unitPrice: 0 }] });
    expect(order.payments).toEqual([]);
    const money = await known(order.id);
    expect(money).toMatchObject({ orderId: order.id, payments: [], refunds: [], totals: { currency: 'EUR', charged: 0, net: 0 } });
  });
});

describe('an order the payment service was never told of is missing, like any other thing', () => {
  it('a never-imported order is 404, in the same words for every caller', async () => {
    const orderId = randomUUID();
    const asService = await paymentsOf(orderId);
    expect(asService.status).toBe(404);
    expect((asService.body as ErrorBody).error.message).toBe(`no order ${orderId}`);

    const asMerchant = await system.payments.withToken(await merchantToken('merchant-a')).get<ErrorBody>(`/orders/${orderId}/payments`);
    expect(asMerchant.status).toBe(404);
    expect(asMerchant.body).toEqual(asService.body);
  });

  it("another merchant's imported order is 404, exactly like a missing one", async () => {
    const owner = unique('m');
    const order = await importOrder(system.orders, { merchantId: owner });
    await known(order.id);
    const own = await system.payments.withToken(await merchantToken(owner)).get<OrderPaymentsBody>(`/orders/${order.id}/payments`);
    expect(own.status).toBe(200);

    const other = await system.payments.withToken(await merchantToken(unique('m'))).get<ErrorBody>(`/orders/${order.id}/payments`);
    expect(other.status).toBe(404);
    expect(other.body.error.message).toBe(`no order ${order.id}`);
  });
});
