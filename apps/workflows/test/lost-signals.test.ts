import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, openDatabase, type Database } from '@cancelflow/service-kit';
import { armFault } from '@cancelflow/service-kit/faults';
import { eventually, importOrder, unique } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { databaseSettings } from '@cancelflow/order-service/db/index';
import type { ServiceDeps } from '@cancelflow/order-service/deps';
import { closeOpenRequestsOnShipment } from '@cancelflow/order-service/requests/decide-request';

/**
 * A service writes, then signals the waiting process from memory: a crash between the two must
 * not leave the process waiting forever. Each test arms the fault hook at exactly that point.
 */
let system: RunningSystem;
let db: Database;
let deps: ServiceDeps;
const disarms: (() => void)[] = [];

beforeAll(async () => {
  system = await startSystem({
    env: { REQUEST_REMINDER_INTERVAL: '1s', REQUEST_ESCALATION_AFTER: '1h', ORDER_CONFIRMATION_RETRY_AFTER: '300ms' },
  });
  db = await openDatabase(databaseSettings(process.env.DATABASE_URL!));
  deps = { db, temporal: system.temporal, logger: createLogger('test'), liveStateTimeoutMs: 500, temporalTimeoutMs: 10_000 };
});

afterAll(async () => {
  await db?.close(true);
  await system?.close();
});

afterEach(() => {
  for (const disarm of disarms.splice(0)) disarm();
});

describe('a customer cancellation request closed by a shipment', () => {
  it('the order service dies after closing it and before signalling: the process finds out and tells the customer to return', async () => {
    const order = await importOrder(system.orders, { merchantId: unique('m') });
    expect((await system.orders.post(`/orders/${order.id}/acknowledge`)).status).toBe(200);
    const created = await system.orders.post<{ requestId: string; workflowId: string }>(`/orders/${order.id}/cancellation-requests`, {
      source: 'CUSTOMER_CONTACT',
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      reason: 'CUSTOMER_REQUEST',
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => {
        const r = (await system.orders.get<{ live?: { phase: string } }>(`/cancellation-requests/${created.body.requestId}`)).body;
        return r.live?.phase === 'WAITING_FOR_MERCHANT' ? r : undefined;
      },
      { what: 'the request to wait for the merchant' },
    );

    await db.em.fork().execute(`update "orders"."order_line" set "shipped_quantity" = 2 where "id" = ?`, [order.lines[0]!.id]);
    disarms.push(armFault('request.closed-by-shipment', 'throw'));
    await expect(closeOpenRequestsOnShipment(deps, order.id, 'shipment-1')).rejects.toThrow(/injected fault/);
    expect((await system.orders.get<{ status: string }>(`/cancellation-requests/${created.body.requestId}`)).body.status).toBe('REJECTED');

    const result = await system.temporal.workflow.getHandle(created.body.workflowId).result();
    expect(result).toMatchObject({ outcome: 'REJECTED_SHIPPED' });
    const emails = (await system.notifications.get<{ items: { template: string }[] }>(`/emails?orderId=${order.id}`)).body.items;
    expect(emails.filter((e) => e.template === 'CANCELLATION_REQUEST_REJECTED_RETURN')).toHaveLength(1);
  });
});

describe('an imported order owed its confirmation email', () => {
  it('the order service dies after the import committed and before the confirmation started: the sweep starts it, once', async () => {
    const input = {
      channel: 'webshop',
      channelOrderNo: unique('WS'),
      merchantId: unique('m'),
      currency: 'EUR',
      customer: { email: 'grace@example.com', name: 'Grace Hopper' },
      lines: [{ sku: 'MUG', quantity: 1, unitPrice: 1000 }],
      payments: [{ method: 'CARD', amount: 1000, reference: unique('pi') }],
    };
    // This order's only: the sweep passes the same point for other files' owed orders.
    disarms.push(armFault('order.confirmation-owed', 'throw', 1, input.channelOrderNo));
    const imported = await system.orders.post('/orders', input);
    expect(imported.status).toBe(500);
    const again = await system.orders.post<{ id: string }>('/orders', input);
    expect(again.status).toBe(200); // the import had committed: a repeat is the same order, and sends nothing itself
    const orderId = again.body.id;

    const emails = await eventually(
      async () => {
        const items = (await system.notifications.get<{ items: { template: string }[] }>(`/emails?orderId=${orderId}`)).body.items;
        return items.some((e) => e.template === 'ORDER_CONFIRMATION') ? items : undefined;
      },
      { what: 'the order confirmation', timeoutMs: 30_000 },
    );
    expect(emails.filter((e) => e.template === 'ORDER_CONFIRMATION')).toHaveLength(1);
  });
});
