import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOrder, merchantToken, serviceToken, supportToken, unique, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';

let system: RunningSystem;
const mine = unique('m-own');
const theirs = unique('m-other');
let own: OrderBody;
let other: OrderBody;
let tokens: { service: string; support: string; merchant: string };

beforeAll(async () => {
  system = await startSystem();
  tokens = { service: await serviceToken(), support: await supportToken(), merchant: await merchantToken(mine) };
  own = await importOrder(system.orders, { merchantId: mine });
  other = await importOrder(system.orders, { merchantId: theirs });
});
afterAll(async () => {
  await system?.close();
});

describe('payment and notification services need a bearer token on every route but /healthz', () => {
  it('no token: 401; /healthz answers', async () => {
    expect((await system.payments.anonymous().get(`/orders/${own.id}/payments`)).status).toBe(401);
    expect((await system.notifications.anonymous().get('/emails')).status).toBe(401);
    for (const api of [system.payments, system.notifications]) expect((await fetch(`${api.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe('which role may do what on the payment service', () => {
  it('provider events and recorded payments are SERVICE only', async () => {
    const event = { eventId: unique('evt'), type: 'refund.settled', providerRefundId: unique('re') };
    expect((await system.payments.withToken(tokens.support).post('/provider-events', event)).status).toBe(403);
    expect((await system.payments.withToken(tokens.merchant).post('/provider-events', event)).status).toBe(403);
    const payment = { orderId: own.id, method: 'CARD', amount: 100, currency: 'EUR', reference: unique('pi') };
    const refused = await system.payments.withToken(tokens.merchant).post<{ error: { message: string } }>('/payments', payment);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/needs SERVICE/);
    expect((await system.payments.withToken(tokens.service).post('/payments', payment)).status).not.toBe(403);
  });

  it("a merchant reads its own order's money; another merchant's is 404, as if it did not exist", async () => {
    // The other merchant's order has money recorded: the 404 is the ownership check, not missing data.
    const payment = { orderId: other.id, method: 'CARD', amount: 100, currency: 'EUR', reference: unique('pi') };
    expect((await system.payments.withToken(tokens.service).post('/payments', payment)).status).toBeLessThan(300);
    const m = system.payments.withToken(tokens.merchant);
    expect((await m.get(`/orders/${own.id}/payments`)).status).toBe(200);
    const hidden = await m.get<{ error: { message: string } }>(`/orders/${other.id}/payments`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toBe(`no order ${other.id}`);
    expect((await system.payments.withToken(tokens.support).get(`/orders/${other.id}/payments`)).status).toBe(200);
  });

  it('a merchant may not read across orders (refund lists, sandbox controls): 403', async () => {
    expect(
      (await system.payments.withToken(tokens.merchant).get('/refunds?cancellationId=00000000-0000-4000-8000-000000000000')).status,
    ).toBe(403);
    expect(
      (await system.payments.withToken(tokens.merchant).post('/sandbox/faults', { orderId: own.id, operation: 'refund', mode: 'FAIL' }))
        .status,
    ).toBe(403);
  });
});

describe('which role may do what on the notification service', () => {
  it("a merchant reads its own order's emails only; other lists are SERVICE and SUPPORT", async () => {
    const m = system.notifications.withToken(tokens.merchant);
    expect((await m.get(`/emails?orderId=${own.id}`)).status).toBe(200);
    expect((await m.get(`/emails?orderId=${other.id}`)).status).toBe(404);
    expect((await m.get('/emails')).status).toBe(403);
    expect((await m.get('/mailbox')).status).toBe(403);
    expect((await system.notifications.withToken(tokens.support).get('/emails')).status).toBe(200);
    expect((await system.notifications.withToken(tokens.service).get('/mailbox')).status).toBe(200);
  });
});
