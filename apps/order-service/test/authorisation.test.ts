import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken, authSettingsFromEnv, type Role } from '@cancelflow/service-kit/auth';
import { merchantToken, serviceToken, supportToken } from '@cancelflow/testing/tokens';
import type { RunningOrderService } from '../src/service.ts';
import { client, orderInput, startTestService, unique } from './helpers.ts';

let service: RunningOrderService;
const started = new Set<string>();
const mine = unique('m-own');
const theirs = unique('m-other');
let tokens: Record<'service' | 'support' | 'merchant' | 'otherMerchant' | 'scopedSupport', string>;
let own: { id: string; lines: { id: string }[] };
let other: { id: string; lines: { id: string }[] };

beforeAll(async () => {
  service = await startTestService();
  tokens = {
    service: await serviceToken(),
    support: await supportToken(),
    merchant: await merchantToken(mine),
    otherMerchant: await merchantToken(theirs),
    scopedSupport: await supportToken({ merchantId: theirs }),
  };
  const integration = client(service, tokens.service);
  own = (await integration.post('/orders', orderInput({ merchantId: mine }))).body as unknown as typeof own;
  other = (await integration.post('/orders', orderInput({ merchantId: theirs }))).body as unknown as typeof other;
});
afterAll(async () => {
  await Promise.all(
    [...started].map((id) =>
      service.temporal.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
  await service?.close();
});

const as = (token: string | null) => client(service, token);

describe('every route but /healthz and self-service needs a bearer token', () => {
  it('no token, a bad or an expired one: 401 and nothing written; /healthz stays open', async () => {
    const expired = await mintAccessToken(authSettingsFromEnv(), { role: 'SUPPORT', expiresIn: -5 });
    for (const token of [null, 'garbage', expired]) {
      const answer = await as(token).post('/orders', orderInput({ merchantId: mine }));
      expect(answer.status).toBe(401);
      expect(answer.body.error.message).toMatch(/bearer token/);
      expect((await as(token).get(`/orders/${own.id}`)).status).toBe(401);
    }
    const health = await fetch(`${service.url}/healthz`);
    expect(health.status).toBe(200);
  });
});

describe('which role may do what', () => {
  const cases: [string, Role[], (token: string) => Promise<number>][] = [
    ['import an order', ['SERVICE'], async (t) => (await as(t).post('/orders', orderInput({ merchantId: mine }))).status],
    ['acknowledge an order', ['SERVICE'], async (t) => (await as(t).post(`/orders/${own.id}/acknowledge`)).status],
    [
      'cancel',
      ['MERCHANT', 'SUPPORT'],
      async (t) => {
        const a = await as(t).post(`/orders/${own.id}/cancellations`, {
          lines: [{ lineId: own.lines[0]!.id, quantity: 1 }],
          reason: 'OUT_OF_STOCK',
          merchantCancellationNumber: unique('MCN'),
        });
        if (a.body.workflowId) started.add(a.body.workflowId);
        return a.status;
      },
    ],
    [
      'retry a refund',
      ['SUPPORT'],
      async (t) => (await as(t).post('/cancellations/00000000-0000-4000-8000-000000000000/retry-refund', { staffId: 's' })).status,
    ],
    ['read orders', ['SERVICE', 'MERCHANT', 'SUPPORT'], async (t) => (await as(t).get(`/orders/${own.id}`)).status],
    [
      'read eligibility',
      ['SERVICE', 'MERCHANT', 'SUPPORT'],
      async (t) => (await as(t).get(`/orders/${own.id}/cancellation-eligibility`)).status,
    ],
  ];
  const tokenOf = (role: Role) => (role === 'SERVICE' ? tokens.service : role === 'SUPPORT' ? tokens.support : tokens.merchant);

  it.each(cases)('%s: allowed for %j, 403 for the others', async (_what, allowed, call) => {
    for (const role of ['SERVICE', 'MERCHANT', 'SUPPORT'] as Role[]) {
      const status = await call(tokenOf(role));
      if (allowed.includes(role)) expect([200, 201, 202, 404], `${role} should pass the role check`).toContain(status);
      else expect(status, `${role} should be refused`).toBe(403);
    }
  });
});

describe("a merchant never sees or touches another merchant's orders", () => {
  it("reads of another merchant's order, its eligibility and its cancellations are 404, like ids that do not exist", async () => {
    const m = as(tokens.merchant);
    expect((await m.get(`/orders/${own.id}`)).status).toBe(200);
    const read = await m.get(`/orders/${other.id}`);
    expect(read.status).toBe(404);
    expect(read.body.error.message).toBe(`no order ${other.id}`);
    expect((await m.get(`/orders/${other.id}/cancellation-eligibility`)).status).toBe(404);
  });

  it("writes to another merchant's order are 404 and write nothing", async () => {
    const answer = await as(tokens.merchant).post(`/orders/${other.id}/cancellations`, {
      lines: [{ lineId: other.lines[0]!.id, quantity: 1 }],
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('MCN'),
    });
    expect(answer.status).toBe(404);
    const returns = await as(tokens.merchant).post(`/orders/${other.id}/returns`, {
      lines: [{ lineId: other.lines[0]!.id, quantity: 1 }],
      reason: 'OTHER',
    });
    expect(returns.status).toBe(404);
    const lines = (await as(tokens.support).get(`/orders/${other.id}`)).body.lines;
    expect(lines.map((l) => l.cancelledQuantity)).toEqual([0, 0]);
  });

  it("lists show the merchant's own orders only, whatever merchant the query names", async () => {
    const listed = await as(tokens.merchant).get('/orders?limit=200');
    const ids = listed.body.items.map((o) => o.id);
    expect(ids).toContain(own.id);
    expect(ids).not.toContain(other.id);
    expect(listed.body.items.every((o) => (o as unknown as { merchantId: string }).merchantId === mine)).toBe(true);
    const asked = await as(tokens.merchant).get(`/orders?merchantId=${theirs}`);
    expect(asked.body.items).toEqual([]);
  });

  it('SERVICE and SUPPORT act across merchants, unless their token names one', async () => {
    expect((await as(tokens.support).get(`/orders/${own.id}`)).status).toBe(200);
    expect((await as(tokens.service).get(`/orders/${other.id}`)).status).toBe(200);
    expect((await as(tokens.scopedSupport).get(`/orders/${other.id}`)).status).toBe(200);
    expect((await as(tokens.scopedSupport).get(`/orders/${own.id}`)).status).toBe(404);
    const scopedImport = await as(await serviceToken({ merchantId: theirs })).post('/orders', orderInput({ merchantId: mine }));
    expect(scopedImport.status).toBe(403);
  });

  it('cancellation requests of another merchant are 404 to answer or read', async () => {
    const asked = await as(tokens.support).post(`/orders/${other.id}/cancellation-requests`, {
      source: 'CUSTOMER_CONTACT',
      lines: [{ lineId: other.lines[1]!.id, quantity: 1 }],
    });
    expect(asked.status).toBe(201);
    started.add(asked.body.workflowId);
    const requestId = asked.body.workflowId.replace('cancellation-request-', '');
    expect((await as(tokens.merchant).get(`/cancellation-requests/${requestId}`)).status).toBe(404);
    expect((await as(tokens.merchant).post(`/cancellation-requests/${requestId}/accept`, { staffId: 'x' })).status).toBe(404);
    expect((await as(tokens.otherMerchant).get(`/cancellation-requests/${requestId}`)).status).toBe(200);
    const queue = await as(tokens.merchant).get('/cancellation-requests?status=REQUESTED&limit=200');
    expect(queue.body.items.some((r) => r.id === requestId)).toBe(false);
  });
});
