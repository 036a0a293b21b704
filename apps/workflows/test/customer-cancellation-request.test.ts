import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CancellationRequestAccepted, ErrorBody } from '@cancelflow/domain';
import { createLogger, openDatabase, type Database } from '@cancelflow/service-kit';
import { eventually, importOrder, serviceToken, unique, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { databaseSettings } from '@cancelflow/order-service/db/index';
import type { ServiceDeps } from '@cancelflow/order-service/deps';
import { closeOpenRequestsOnShipment } from '@cancelflow/order-service/requests/decide-request';

interface RequestBody {
  id: string;
  orderId: string;
  status: string;
  source: string;
  rejection?: string;
  returnInstead: boolean;
  cancellationId?: string;
  workflowId: string;
  live?: { phase: string; remindersSent: number; escalated: boolean };
}
interface Created {
  requestId: string;
  status: string;
  workflowId: string;
  cancellationId?: string;
}
interface Email {
  template: string;
  to: string;
  text: string;
  subject: string;
}
interface CancellationBody {
  id: string;
  status: string;
  reason: string;
  initiator: string;
  refundMethod: string;
  merchantCancellationNumber: string;
}
interface OrderDetail extends OrderBody {
  cancellationRequested: boolean;
  timeline: { type: string; detail: Record<string, unknown> }[];
}

let system: RunningSystem;
let db: Database;
let deps: ServiceDeps;

beforeAll(async () => {
  // Reminders and escalation are proven with the clock skipped (time-skipping/customer-cancellation-request.test.ts).
  system = await startSystem();
  db = await openDatabase(databaseSettings(process.env.DATABASE_URL!));
  deps = { db, temporal: system.temporal, logger: createLogger('test'), liveStateTimeoutMs: 500, temporalTimeoutMs: 10_000 };
});

afterAll(async () => {
  await db?.close(true);
  await system?.close();
});

/** An order the shop has retrieved (IN_PROGRESS): requests wait for the merchant. */
async function acknowledgedOrder(overrides: Parameters<typeof importOrder>[1] = {}): Promise<OrderBody> {
  const order = await importOrder(system.orders, { merchantId: unique('m'), ...overrides });
  expect((await system.orders.post(`/orders/${order.id}/acknowledge`)).status).toBe(200);
  return order;
}

async function request(order: OrderBody, body: Record<string, unknown> = {}, orders = system.orders): Promise<Created> {
  const answer = await orders.post<Created>(`/orders/${order.id}/cancellation-requests`, {
    source: 'CUSTOMER_CONTACT',
    lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
    reason: 'CUSTOMER_REQUEST',
    comment: 'ordered the wrong colour',
    ...body,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

const requestOf = async (id: string) => (await system.orders.get<RequestBody>(`/cancellation-requests/${id}`)).body;
const orderOf = async (id: string) => (await system.orders.get<OrderDetail>(`/orders/${id}`)).body;
const emailsOf = async (orderId: string) => (await system.notifications.get<{ items: Email[] }>(`/emails?orderId=${orderId}`)).body.items;

const untilEmail = (orderId: string, template: string, count = 1) =>
  eventually(
    async () => {
      const found = (await emailsOf(orderId)).filter((e) => e.template === template);
      return found.length >= count ? found : undefined;
    },
    { what: `${count} ${template} email(s) for order ${orderId}` },
  );

/** The request's process has sent "received" and waits: answers can go to it now. */
const untilWaiting = (requestId: string) =>
  eventually(
    async () => {
      const r = await requestOf(requestId);
      return r.live?.phase === 'WAITING_FOR_MERCHANT' ? r : undefined;
    },
    { what: `request ${requestId} to wait for the merchant` },
  );

const untilCancelled = (cancellationId: string) =>
  eventually(
    async () => {
      const c = (await system.orders.get<CancellationBody>(`/cancellations/${cancellationId}`)).body;
      return c.status === 'CANCELLED' ? c : undefined;
    },
    { what: `cancellation ${cancellationId} to be CANCELLED` },
  );

describe('an order the shop has not retrieved is cancelled at once', () => {
  it('AUTO_ACCEPTED: a customer cancellation with the reason from the request, refunded to the original payment, and the customer is emailed', async () => {
    const order = await importOrder(system.orders, { merchantId: unique('m') });
    const created = await request(order, { lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })) });
    expect(created.status).toBe('AUTO_ACCEPTED');
    expect(created.cancellationId).toBeDefined();

    const cancellation = await untilCancelled(created.cancellationId!);
    expect(cancellation).toMatchObject({ initiator: 'CUSTOMER', reason: 'CUSTOMER_REQUEST', refundMethod: 'ORIGINAL_PAYMENT' });
    const accepted = await untilEmail(order.id, 'CANCELLATION_REQUEST_ACCEPTED');
    expect(accepted[0]!.to).toBe('ada@example.com');
    await untilEmail(order.id, 'CANCELLATION_CONFIRMED');
    const after = await orderOf(order.id);
    expect(after.status).toBe('CANCELLED');
    expect(after.cancellationRequested).toBe(false);
    expect(after.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['CANCELLATION_REQUEST_RECEIVED', 'CANCELLATION_REQUEST_AUTO_ACCEPTED']),
    );
  });

  it("a marketplace asking for the customer (an integration's SERVICE token) makes a MARKETPLACE cancellation", async () => {
    const order = await importOrder(system.orders, { merchantId: unique('m'), channel: 'rakuten' });
    const created = await request(order, { source: 'MARKETPLACE' }, system.orders.withToken(await serviceToken()));
    expect(created.status).toBe('AUTO_ACCEPTED');
    const c = (await system.orders.get<CancellationBody>(`/cancellations/${created.cancellationId}`)).body;
    expect(c.initiator).toBe('MARKETPLACE');
  });
});

describe('an order the shop is working on waits for the merchant', () => {
  it('flags the order "cancellation requested" (list, filter, timeline), tells the customer, and the merchant accepts with a refund method', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order);
    expect(created.status).toBe('REQUESTED');
    expect(created.workflowId).toBe(`cancellation-request-${created.requestId}`);

    const flagged = await system.orders.get<{ items: { id: string; cancellationRequested: boolean }[] }>(
      `/orders?cancellationRequested=true&limit=200`,
    );
    expect(flagged.body.items.find((o) => o.id === order.id)?.cancellationRequested).toBe(true);
    const unflagged = await system.orders.get<{ items: { id: string }[] }>(`/orders?cancellationRequested=false&limit=200`);
    expect(unflagged.body.items.some((o) => o.id === order.id)).toBe(false);
    expect((await orderOf(order.id)).timeline.map((e) => e.type)).toContain('CANCELLATION_REQUEST_RECEIVED');

    const queue = await system.orders.get<{ items: RequestBody[] }>(`/cancellation-requests?status=REQUESTED&orderId=${order.id}`);
    expect(queue.body.items.map((r) => r.id)).toEqual([created.requestId]);

    await untilEmail(order.id, 'CANCELLATION_REQUEST_RECEIVED');
    await untilWaiting(created.requestId);
    const accepted = await system.orders.post<{ status: string; cancellationId: string }>(
      `/cancellation-requests/${created.requestId}/accept`,
      { staffId: 'sam', refundMethod: 'STORE_CREDIT' },
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('ACCEPTED');

    const cancellation = await untilCancelled(accepted.body.cancellationId);
    expect(cancellation).toMatchObject({ reason: 'CUSTOMER_REQUEST', initiator: 'CUSTOMER', refundMethod: 'STORE_CREDIT' });
    expect(cancellation.merchantCancellationNumber).toBe(`REQ-${created.requestId}`);
    expect((await requestOf(created.requestId)).status).toBe('ACCEPTED');
    expect((await orderOf(order.id)).cancellationRequested).toBe(false);
    await untilEmail(order.id, 'CANCELLATION_REQUEST_ACCEPTED');

    const again = await system.orders.post<{ error: { message: string } }>(`/cancellation-requests/${created.requestId}/reject`, {
      staffId: 'sam',
      reason: 'no',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/ACCEPTED/);
  });

  it('a 201 means the request can be decided: an accept sent at once waits for the process instead of a 409', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order);
    const accepted = await system.orders.post<CancellationRequestAccepted>(`/cancellation-requests/${created.requestId}/accept`, {
      staffId: 'mia',
      refundMethod: 'ORIGINAL_PAYMENT',
      restock: false,
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body).toMatchObject({ requestId: created.requestId, status: 'ACCEPTED' });
    // Only "already decided" is a 409 now, and it says so.
    const again = await system.orders.post<ErrorBody>(`/cancellation-requests/${created.requestId}/reject`, {
      staffId: 'mia',
      reason: 'too late',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('ACCEPTED') });
  });

  it('the merchant rejects with a reason, which the customer is told; nothing is cancelled', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order);
    await untilWaiting(created.requestId);
    const rejected = await system.orders.post<{ returnInstead: boolean }>(`/cancellation-requests/${created.requestId}/reject`, {
      staffId: 'sam',
      reason: 'already packed and labelled',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.returnInstead).toBe(false);
    const emails = await untilEmail(order.id, 'CANCELLATION_REQUEST_REJECTED');
    expect(emails[0]!.text).toContain('already packed and labelled');
    // Still in the warehouse: the customer learns the order comes anyway, and how to return it then.
    expect(emails[0]!.text).toContain('Your order will be shipped and arrive as usual.');
    expect(emails[0]!.text).toContain('you can return them: reply to this email once the parcel is with you');
    const after = await orderOf(order.id);
    expect(after.lines.map((l) => l.cancelledQuantity)).toEqual([0, 0]);
    expect(after.cancellationRequested).toBe(false);
  });

  it('rejected after part of it shipped: the customer is told to return it instead', async () => {
    const order = await acknowledgedOrder({ lines: [{ sku: 'MUG', quantity: 3, unitPrice: 1000 }] });
    const created = await request(order, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    await untilWaiting(created.requestId);
    await db.em.fork().execute(`update "orders"."order_line" set "shipped_quantity" = 1 where "id" = ?`, [order.lines[0]!.id]);
    const rejected = await system.orders.post<{ returnInstead: boolean }>(`/cancellation-requests/${created.requestId}/reject`, {
      staffId: 'sam',
      reason: 'one is on its way already',
    });
    expect(rejected.body.returnInstead).toBe(true);
    const emails = await untilEmail(order.id, 'CANCELLATION_REQUEST_REJECTED_RETURN');
    expect(emails[0]!.text).toMatch(/return/i);
  });

  it('the customer may withdraw an open request; then it can no longer be accepted', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order);
    await untilWaiting(created.requestId);
    const withdrawn = await system.orders.post<{ status: string }>(`/cancellation-requests/${created.requestId}/withdraw`, {
      comment: 'found the colour I wanted',
    });
    expect(withdrawn.status).toBe(200);
    expect((await requestOf(created.requestId)).status).toBe('WITHDRAWN');
    expect((await orderOf(order.id)).cancellationRequested).toBe(false);
    expect((await orderOf(order.id)).timeline.map((e) => e.type)).toContain('CANCELLATION_REQUEST_WITHDRAWN');

    const accept = await system.orders.post<{ error: { message: string } }>(`/cancellation-requests/${created.requestId}/accept`, {
      staffId: 'sam',
    });
    expect(accept.status).toBe(409);
    expect(accept.body.error.message).toMatch(/WITHDRAWN/);
    const again = await system.orders.post(`/cancellation-requests/${created.requestId}/withdraw`, {});
    expect(again.status).toBe(409);
  });
});

describe('a shipment that arrives while a request is open', () => {
  const ship = (lineId: string, quantity: number) =>
    db.em.fork().execute(`update "orders"."order_line" set "shipped_quantity" = ? where "id" = ?`, [quantity, lineId]);

  it('closes the request as rejected-shipped and points the customer to a return', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order);
    await untilWaiting(created.requestId);
    await ship(order.lines[0]!.id, 2);
    expect(await closeOpenRequestsOnShipment(deps, order.id, 'shipment-1')).toEqual([created.requestId]);

    const closed = await requestOf(created.requestId);
    expect(closed).toMatchObject({ status: 'REJECTED', rejection: 'SHIPPED', returnInstead: true });
    expect((await orderOf(order.id)).cancellationRequested).toBe(false);
    const emails = await untilEmail(order.id, 'CANCELLATION_REQUEST_REJECTED_RETURN');
    expect(emails[0]!.subject).toMatch(/return/i);

    const accept = await system.orders.post<{ error: { message: string } }>(`/cancellation-requests/${created.requestId}/accept`, {
      staffId: 'sam',
    });
    expect(accept.status).toBe(409);
    expect(accept.body.error.message).toMatch(/open a return/);
    // Called again (a repeated shipment event): nothing more to close.
    expect(await closeOpenRequestsOnShipment(deps, order.id)).toEqual([]);
  });

  it('through the shipments API: POST /orders/:id/shipments closes the open request it overtook', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order);
    await untilWaiting(created.requestId);
    const shipped = await system.orders.post(`/orders/${order.id}/shipments`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 2 }],
      carrier: 'DHL',
      trackingNumber: unique('TRK'),
      shipmentNumber: unique('S'),
    });
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(201);
    const closed = await eventually(
      async () => {
        const r = await requestOf(created.requestId);
        return r.status === 'REJECTED' ? r : undefined;
      },
      { what: 'the request to close on the shipment' },
    );
    expect(closed).toMatchObject({ rejection: 'SHIPPED', returnInstead: true });
    await untilEmail(order.id, 'CANCELLATION_REQUEST_REJECTED_RETURN');
  });

  it('a shipment of lines the request did not ask for leaves it open', async () => {
    const order = await acknowledgedOrder();
    const created = await request(order, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    await ship(order.lines[1]!.id, 1);
    expect(await closeOpenRequestsOnShipment(deps, order.id)).toEqual([]);
    expect((await requestOf(created.requestId)).status).toBe('REQUESTED');
    await system.temporal.workflow.getHandle(created.workflowId).terminate('test done');
  });

  it("racing the merchant's accept: exactly one wins, and the quantities stay right", async () => {
    const order = await acknowledgedOrder();
    const created = await request(order, { lines: [{ lineId: order.lines[0]!.id, quantity: 2 }] });
    await untilWaiting(created.requestId);
    const [accept] = await Promise.all([
      system.orders.post<{ cancellationId?: string }>(`/cancellation-requests/${created.requestId}/accept`, { staffId: 'sam' }),
      (async () => {
        await ship(order.lines[0]!.id, 2).catch(() => undefined); // refused by the database when the accept reserved first
        await closeOpenRequestsOnShipment(deps, order.id);
      })(),
    ]);
    const final = await requestOf(created.requestId);
    const line = (await orderOf(order.id)).lines[0]!;
    expect(line.shippedQuantity + line.cancelledQuantity).toBeLessThanOrEqual(line.quantity);
    if (accept.status === 200) {
      expect(final.status).toBe('ACCEPTED');
      expect(line.cancelledQuantity).toBe(2);
    } else {
      expect([409, 422]).toContain(accept.status);
      expect(final).toMatchObject({ status: 'REJECTED', rejection: 'SHIPPED' });
      expect(line.cancelledQuantity).toBe(0);
    }
  });
});
