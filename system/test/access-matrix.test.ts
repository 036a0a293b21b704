/**
 * Every route of the three services, probed as an attacker would: the matrix is generated from
 * the route tables (access-matrix.ts); this file only makes the things of one merchant that the
 * routes address, with the real processes, and lets them settle before the probing starts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createLogger, type Database } from '@cancelflow/service-kit';
import type { ServiceDeps } from '@cancelflow/order-service/deps';
import { buildServer as orderServer } from '@cancelflow/order-service/server';
import { buildServer as paymentServer } from '@cancelflow/payment-service/server';
import { buildServer as notificationServer } from '@cancelflow/notification-service/server';
import { describeAccessMatrix, rowsAbout, type AccessMatrixFixture } from '@cancelflow/testing/access-matrix';
import { eventually, cancelOrder, importOrder, unique, type OrderBody, merchantToken } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '../src/system.ts';

// The route tables: the apps as the services build them (their routers touch nothing until a request comes).
const logger = createLogger('access-matrix');
const orderRoutes = orderServer({ logger } as ServiceDeps);
const paymentRoutes = paymentServer({
  logger,
  db: {} as Database,
  book: {},
  sandbox: {},
  // The outage switch too: mounted only with SANDBOX_OUTAGES, and the system below sets it.
  sandboxOutages: true,
  rebills: {},
  undo: { money: {}, sandbox: {} },
} as unknown as Parameters<typeof paymentServer>[0]);
const notificationRoutes = notificationServer({ logger, db: {} as Database });

let system: RunningSystem;
const victim = unique('m-victim');
const intruder = unique('m-intruder');
const ids: Record<string, string> = {};
const orderIds: string[] = [];

const one = async <T extends object>(query: string, params: unknown[], what: string): Promise<T> =>
  eventually(async () => (await system.sql<T>(query, params))[0], { what });

async function order(overrides: Parameters<typeof importOrder>[1] = {}): Promise<OrderBody> {
  const imported = await importOrder(system.orders, { merchantId: victim, ...overrides });
  orderIds.push(imported.id);
  return imported;
}

/** The answer, or the test stops here with what the service said. */
async function expectStatus<T>(answer: Promise<{ status: number; body: T }>, status: number, what: string): Promise<T> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`${what} answered ${got}, not ${status}: ${JSON.stringify(body)}`);
  return body;
}

const cancellationStatus = (id: string, status: string) =>
  eventually(
    async () => ((await system.orders.get<{ status: string }>(`/cancellations/${id}`)).body.status === status ? true : undefined),
    {
      what: `cancellation ${id} ${status}`,
    },
  );

beforeAll(async () => {
  // The matrix only sends refused requests, so mounting the outage switch never takes the
  // provider down for the other test files sharing the database.
  system = await startSystem({ serviceEnv: { payments: { SANDBOX_OUTAGES: 'true' } } });

  // An order cancelled in part (refunded by card), then shipped whole: a cancelled-but-shipped
  // cancelled-but-shipped process, acknowledged and rebilled (credit memo); its teapot is returned.
  const shipped = await order();
  const cancellation = await cancelOrder(system.orders, shipped, { lines: [{ lineId: shipped.lines[0]!.id, quantity: 2 }] });
  await cancellationStatus(cancellation.cancellationId, 'CANCELLED');
  const shipment = await expectStatus(
    system.orders.post<{ id: string; cancelledButShippedId: string }>(`/orders/${shipped.id}/shipments`, {
      lines: shipped.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
      carrier: 'DHL',
      trackingNumber: unique('JJD'),
      shipmentNumber: unique('S'),
    }),
    201,
    'the shipment',
  );
  const cancelledButShippedId = shipment.cancelledButShippedId;
  const cancelledButShippedStatus = (status: string) =>
    eventually(
      async () =>
        (await system.orders.get<{ status: string }>(`/cancelled-but-shipped/${cancelledButShippedId}`)).body.status === status
          ? true
          : undefined,
      { what: `the cancelled-but-shipped process ${status}` },
    );
  const returned = await expectStatus(
    system.orders.post<{ id: string }>(`/orders/${shipped.id}/returns`, {
      lines: [{ lineId: shipped.lines[1]!.id, quantity: 1 }],
      reason: 'OTHER',
    }),
    201,
    'the return',
  );
  await eventually(
    async () =>
      (await system.orders.get<{ steps: { step: string }[] }>(`/cancelled-but-shipped/${cancelledButShippedId}`)).body.steps.some(
        (st) => st.step === 'CUSTOMER_EMAILED',
      )
        ? true
        : undefined,
    { what: 'the customer emailed about the cancelled-but-shipped process' },
  );
  await expectStatus(
    system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
      staffId: 'grace',
      accepted: true,
      evidence: 'The customer said on the phone: I keep it and pay.',
    }),
    202,
    'the acknowledgement',
  );
  await cancelledButShippedStatus('AWAITING_REBILL_APPROVAL');
  await expectStatus(
    system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, { staffId: 'grace' }),
    202,
    'the rebill approval',
  );
  const creditMemo = await one<{ id: string }>(
    `select "id" from "payments"."credit_memo" where "cancelled_but_shipped_id" = ?`,
    [cancelledButShippedId],
    'the credit memo',
  );
  const acknowledgement = await one<{ id: string }>(
    `select "id" from "payments"."customer_acknowledgement" where "cancelled_but_shipped_id" = ?`,
    [cancelledButShippedId],
    'the acknowledgement',
  );
  await cancelledButShippedStatus('COMPLETED');

  // A request waiting for the merchant on an order the shop works on.
  const requested = await order();
  await expectStatus(system.orders.post(`/orders/${requested.id}/acknowledge`), 200, 'the acknowledgement of the order');
  const request = await expectStatus(
    system.orders.post<{ requestId: string }>(`/orders/${requested.id}/cancellation-requests`, {
      lines: [{ lineId: requested.lines[0]!.id, quantity: 1 }],
    }),
    201,
    'the request',
  );

  // A cancellation undone (the card refund recaptured), and an eBay dispute waiting to close.
  const undone = await order();
  const undoneCancellation = await cancelOrder(system.orders, undone);
  await cancellationStatus(undoneCancellation.cancellationId, 'CANCELLED');
  await expectStatus(
    system.orders.post(`/cancellations/${undoneCancellation.cancellationId}/undo`, {
      reason: 'the customer changed their mind',
      staffId: 'sam',
    }),
    202,
    'the undo',
  );
  await cancellationStatus(undoneCancellation.cancellationId, 'UNDONE');
  const undo = await one<{ id: string }>(
    `select "id" from "orders"."cancellation_undo" where "cancellation_id" = ?`,
    [undoneCancellation.cancellationId],
    'the undo',
  );
  const disputed = await order({ channel: 'ebay', channelOrderNo: unique('EB') });
  await cancelOrder(system.orders, disputed);
  const dispute = await one<{ id: string }>(`select "id" from "orders"."dispute" where "order_id" = ?`, [disputed.id], 'the dispute');

  // A key of the Merchant API, made by the merchant.
  const apiKey = await expectStatus(
    system.orders.withToken(await merchantToken(victim)).post<{ id: string }>('/api-keys', { name: 'ERP' }),
    201,
    'the API key',
  );

  // A bulk cancellation of the merchant, run to its end (its order cancelled and refunded).
  const bulkSku = unique('BULK');
  await order({ lines: [{ sku: bulkSku, quantity: 1, unitPrice: 1000 }] });
  const bulk = await expectStatus(
    system.orders
      .withToken(await merchantToken(victim))
      .post<{ id: string }>('/bulk-cancellations', { sku: bulkSku, reason: 'OUT_OF_STOCK' }),
    202,
    'the bulk cancellation',
  );
  const bulkCancellation = await one<{ cancellation_id: string }>(
    `select "cancellation_id" from "orders"."bulk_cancellation_item" where "bulk_cancellation_id" = ? and "outcome" = 'CANCELLED'`,
    [bulk.id],
    'the bulk cancellation of its order',
  );
  await cancellationStatus(bulkCancellation.cancellation_id, 'CANCELLED');
  await one(
    `select 1 as done from "orders"."bulk_cancellation" where "id" = ? and "status" = 'COMPLETED'`,
    [bulk.id],
    'the bulk job ended',
  );
  // A webhook subscription, for an event nothing below causes (probes must write nothing, a delivery included).
  const subscription = await expectStatus(
    system.orders
      .withToken(await merchantToken(victim))
      .post<{ id: string }>('/webhook-subscriptions', { url: 'https://93.184.215.14/hook', events: ['shipment.recorded'] }),
    201,
    'the webhook subscription',
  );

  const refund = await one<{ id: string }>(
    `select "id" from "payments"."refund" where "cancellation_id" = ?`,
    [cancellation.cancellationId],
    'the refund',
  );
  const providerRefund = await one<{ provider_refund_id: string }>(
    `select "provider_refund_id" from "payments"."sandbox_refund" where "order_id" = ?`,
    [shipped.id],
    'the sandbox refund',
  );
  const email = await one<{ id: string }>(
    `select "id" from "notifications"."outbound_email" where "order_id" = ? order by "created_at" limit 1`,
    [shipped.id],
    'an email',
  );

  Object.assign(ids, {
    orders: shipped.id,
    orderId: shipped.id,
    cancellations: cancellation.cancellationId,
    cancellationId: cancellation.cancellationId,
    'cancellation-requests': request.requestId,
    returns: returned.id,
    shipments: shipment.id,
    'cancelled-but-shipped': cancelledButShippedId,
    undos: undo.id,
    'api-keys': apiKey.id,
    'bulk-cancellations': bulk.id,
    'webhook-subscriptions': subscription.id,
    disputes: dispute.id,
    refunds: refund.id,
    providerRefundId: providerRefund.provider_refund_id,
    'credit-memos': creditMemo.id,
    acknowledgements: acknowledgement.id,
    // No payment request is made here (it needs a bank-deposit refund undone): an id that does not exist.
    'payment-requests': randomUUID(),
    emails: email.id,
    // The mailbox holds what the SMTP server received, for no merchant: any id probes its refusals.
    mailbox: randomUUID(),
  });
  // Let the processes write their last steps and emails before anything is counted.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}, 240_000);

afterAll(async () => {
  await system?.close();
});

const fixture = (baseUrl: () => string) => (): AccessMatrixFixture => ({
  baseUrl: baseUrl(),
  victim,
  intruder,
  ids,
  rows: () =>
    rowsAbout((query, params) => system.sql(query, params), ['orders', 'payments', 'notifications'], { merchantId: victim, orderIds }),
});

describeAccessMatrix(
  'order service',
  orderRoutes,
  fixture(() => system.orders.baseUrl),
);
describeAccessMatrix(
  'payment service',
  paymentRoutes,
  fixture(() => system.payments.baseUrl),
);
describeAccessMatrix(
  'notification service',
  notificationRoutes,
  fixture(() => system.notifications.baseUrl),
);
