import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '@cancelflow/domain';
import { createLogger } from '@cancelflow/service-kit';
import { createCancellationRequestActivities } from '../src/activities/request-activities.ts';
import { DEVELOPMENT_SELF_SERVICE_SECRET, type SelfServiceSettings } from '../src/config.ts';
import type { RunningOrderService } from '../src/service.ts';
import { mintSelfServiceLink } from '../src/self-service/tokens.ts';
import { serviceToken, supportToken } from '@cancelflow/testing/tokens';
import { client, orderInput, startTestService } from './helpers.ts';
import { orderConfirmationWorkflowId } from '@cancelflow/workflows/contracts/order-confirmation';

const selfService: SelfServiceSettings = {
  secret: DEVELOPMENT_SELF_SERVICE_SECRET,
  ttlSeconds: 3600,
  baseUrl: 'http://shop.example/self-service',
};
let service: RunningOrderService;
let api: ReturnType<typeof client>;
const started = new Set<string>();

beforeAll(async () => {
  service = await startTestService({}, { selfService });
  api = client(service);
});
afterAll(async () => {
  // No workflow worker runs here: terminate what the requests started.
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

type Order = { id: string; lines: { id: string; quantity: number }[] };

async function importOrder(channel: Channel = 'webshop', overrides: Record<string, unknown> = {}, acknowledge = true): Promise<Order> {
  const answer = await api.post('/orders', orderInput(overrides, channel));
  expect(answer.status).toBe(201);
  started.add(orderConfirmationWorkflowId(answer.body.id));
  if (acknowledge) expect((await api.post(`/orders/${answer.body.id}/acknowledge`)).status).toBe(200);
  return answer.body as unknown as Order;
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

/**
 * The customer asks through the link of their order email; with a `source` in the body, staff ask
 * on their behalf (the source then has to agree with the staff token).
 */
async function ask(order: Order, body: Record<string, unknown> = {}) {
  const path =
    'source' in body
      ? `/orders/${order.id}/cancellation-requests`
      : `/self-service/orders/${order.id}/cancellation-requests?token=${(await mintSelfServiceLink(selfService, order.id)).token}`;
  const answer = await api.post(path, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }], ...body });
  if (answer.body.workflowId) started.add(answer.body.workflowId);
  return answer;
}

const requestCount = async (orderId: string) => {
  const rows = await service.db.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) as n from "orders"."cancellation_request" where "order_id" = ?`, [orderId]);
  return Number(rows[0]!.n);
};

const ship = (lineId: string, quantity: number) =>
  service.db.em.fork().execute(`update "orders"."order_line" set "shipped_quantity" = ? where "id" = ?`, [quantity, lineId]);

describe("each channel's customer window decides whether a customer may ask at all", () => {
  it('Amazon: within 30 minutes of the order the request is taken', async () => {
    const order = await importOrder('amazon', { placedAt: minutesAgo(5) });
    expect((await ask(order)).status).toBe(201);
  });

  it('Amazon: after 30 minutes it is refused (422, saying why) and nothing is written', async () => {
    const order = await importOrder('amazon', { placedAt: minutesAgo(31) });
    const answer = await ask(order);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/Amazon lets customers cancel within 30 minutes/);
    expect(await requestCount(order.id)).toBe(0);
  });

  it('Mirakl: within the processing period (20 minutes) only', async () => {
    expect((await ask(await importOrder('mirakl', { placedAt: minutesAgo(10) }))).status).toBe(201);
    const late = await ask(await importOrder('mirakl', { placedAt: minutesAgo(21) }));
    expect(late.status).toBe(422);
    expect(late.body.error.message).toMatch(/within 20 minutes/);
  });

  it.each<Channel>(['webshop', 'ebay', 'rakuten'])('%s: until shipped, even days after the order', async (channel) => {
    expect((await ask(await importOrder(channel, { placedAt: minutesAgo(60 * 24 * 5) }))).status).toBe(201);
  });

  it('walmart: until shipped, whole lines only', async () => {
    const order = await importOrder('walmart');
    const partial = await ask(order);
    expect(partial.status).toBe(422);
    expect(partial.body.error.message).toMatch(/whole lines only/);
    expect((await ask(order, { lines: [{ lineId: order.lines[0]!.id, quantity: 2 }] })).status).toBe(201);
  });

  it("the web shop's store setting turns self-service off", async () => {
    const order = await importOrder('webshop', { selfServiceEnabled: false });
    const answer = await ask(order);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/turned self-service cancellation off/);
    expect(await requestCount(order.id)).toBe(0);
  });

  it.each([
    ['CUSTOMER_CONTACT', 'support staff, for a customer on the phone', supportToken],
    ['MARKETPLACE', 'the marketplace integration', serviceToken],
  ] as const)(
    "with self-service turned off, a %s request (%s) is still taken: the setting closes the customer's own page only",
    async (source, _who, token) => {
      const order = await importOrder('webshop', { selfServiceEnabled: false });
      const answer = await client(service, await token()).post(`/orders/${order.id}/cancellation-requests`, {
        source,
        lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      });
      if (answer.body.workflowId) started.add(answer.body.workflowId);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(await requestCount(order.id)).toBe(1);
      expect((await api.get(`/cancellation-requests?orderId=${order.id}`)).body.items[0]).toMatchObject({ source } as object);
    },
  );

  it('a shipped order cannot be asked to cancel: the answer is a return', async () => {
    const order = await importOrder();
    await ship(order.lines[0]!.id, 2);
    await ship(order.lines[1]!.id, 1);
    await service.db.em.fork().execute(`update "orders"."order" set "status" = 'SHIPPED' where "id" = ?`, [order.id]);
    const answer = await ask(order);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/open a return/);
  });

  it('a second request while one waits is a conflict', async () => {
    const order = await importOrder();
    expect((await ask(order)).status).toBe(201);
    const second = await ask(order);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/already waiting for the merchant/);
    expect(await requestCount(order.id)).toBe(1);
  });
});

describe('a request is safe to retry with an Idempotency-Key', () => {
  const body = (order: Order) => ({
    source: 'CUSTOMER_CONTACT',
    lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
    reason: 'CUSTOMER_REQUEST',
    comment: 'ordered twice',
  });
  const post = async (order: Order, key: string, overrides: Record<string, unknown> = {}) => {
    const answer = await api.post(
      `/orders/${order.id}/cancellation-requests`,
      { ...body(order), ...overrides },
      { 'Idempotency-Key': key },
    );
    if (answer.body.workflowId) started.add(answer.body.workflowId);
    return answer;
  };

  it('the same key and body again answers the request it created (200), even once it was accepted and the cancellation began', async () => {
    // Not retrieved by the shop: the request is accepted at once and cancels the order.
    const order = await importOrder('webshop', {}, false);
    const key = crypto.randomUUID();
    const first = await post(order, key);
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('AUTO_ACCEPTED');
    const again = await post(order, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(`/cancellation-requests/${first.body.requestId}`);
    expect(await requestCount(order.id)).toBe(1);
  });

  it('two attempts at once with one key make one request', async () => {
    const order = await importOrder();
    const key = crypto.randomUUID();
    const answers = await Promise.all([post(order, key), post(order, key)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers[0]!.body.requestId).toBe(answers[1]!.body.requestId);
    expect(await requestCount(order.id)).toBe(1);
  });

  it('the key used for a different request is a conflict (409), and nothing more is written', async () => {
    const order = await importOrder();
    const key = crypto.randomUUID();
    expect((await post(order, key)).status).toBe(201);
    const other = await post(order, key, { comment: 'changed my mind about the colour' });
    expect(other.status).toBe(409);
    expect(JSON.stringify(other.body)).toContain(`Idempotency-Key ${key} was used for a different cancellation request`);
    expect(await requestCount(order.id)).toBe(1);
  });

  it.each([
    ['empty', '   ', 'Idempotency-Key: is empty'],
    ['too long', 'k'.repeat(201), 'Idempotency-Key: is at most 200 characters'],
  ])('an Idempotency-Key that is %s is refused with 400 and nothing is written', async (_what, key, message) => {
    const order = await importOrder();
    const answer = await post(order, key);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain(message);
    expect(await requestCount(order.id)).toBe(0);
  });
});

describe('bad input is refused with 400 and a message, nothing written', () => {
  it.each([
    ['an unknown source', { source: 'PHONE' }, /source: must be one of/],
    ['no lines', { lines: [] }, /at least one line/],
    ['a zero quantity', { lines: [{ lineId: 'x', quantity: 0 }] }, /at least 1/],
    ['the system reason', { reason: 'FILL_OR_KILL' }, /system's reason/],
  ])('POST /orders/:id/cancellation-requests with %s', async (_what, body, message) => {
    const order = await importOrder();
    const answer = await ask(order, body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
    expect(await requestCount(order.id)).toBe(0);
  });

  it('answers 404 for an unknown order or request', async () => {
    expect(
      (await api.post('/orders/00000000-0000-4000-8000-000000000000/cancellation-requests', { lines: [{ lineId: 'x', quantity: 1 }] }))
        .status,
    ).toBe(404);
    expect((await api.get('/cancellation-requests/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api.post('/cancellation-requests/nope/accept', { staffId: 's' })).status).toBe(404);
  });

  it('accept without a staff id, reject without a reason, a bad queue filter: 400', async () => {
    const order = await importOrder();
    const requestId = (await ask(order)).body.workflowId.replace('cancellation-request-', '');
    const accept = await api.post(`/cancellation-requests/${requestId}/accept`, { refundMethod: 'CASH' });
    expect(accept.status).toBe(400);
    expect(accept.body.error.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['staffId', 'refundMethod']));
    const reject = await api.post(`/cancellation-requests/${requestId}/reject`, { staffId: 'sam' });
    expect(reject.status).toBe(400);
    expect(reject.body.error.message).toMatch(/tell the customer why/);
    expect((await api.get('/cancellation-requests?status=OPEN')).status).toBe(400);
    expect((await api.get(`/cancellation-requests/${requestId}`)).body.status).toBe('REQUESTED');
  });
});

describe('returns are for shipped quantities, cancellations for unshipped ones', () => {
  it('returns shipped quantities and counts them on the line', async () => {
    const order = await importOrder();
    await ship(order.lines[0]!.id, 2);
    const answer = await api.post(`/orders/${order.id}/returns`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      reason: 'CHANGED_MIND',
    });
    expect(answer.status).toBe(201);
    const after = await api.get(`/orders/${order.id}`);
    expect(after.body.lines[0]).toMatchObject({ returnedQuantity: 1 } as object);
    expect(after.body.timeline.map((e) => e.type)).toContain('RETURN_OPENED');
    expect((await api.get(`/returns/${answer.body.id}`)).status).toBe(200);
  });

  it('returning unshipped quantities says "cancel instead" and writes nothing', async () => {
    const order = await importOrder();
    const answer = await api.post(`/orders/${order.id}/returns`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      reason: 'CHANGED_MIND',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/cancel the unshipped quantity instead/);
    expect((await api.get(`/orders/${order.id}`)).body.lines[0]).toMatchObject({ returnedQuantity: 0 } as object);
  });

  it('returning more than shipped names the unshipped part: cancel them instead', async () => {
    const order = await importOrder();
    await ship(order.lines[0]!.id, 1);
    const answer = await api.post(`/orders/${order.id}/returns`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 2 }],
      reason: 'DEFECTIVE',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/cancel them instead/);
  });

  it('cancelling shipped quantities says "open a return"', async () => {
    const order = await importOrder();
    await ship(order.lines[0]!.id, 2);
    const answer = await api.post(`/orders/${order.id}/cancellations`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: `MCN-${order.id}`,
    });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/open a return instead/);
  });

  it('a return with bad input is 400', async () => {
    const order = await importOrder();
    const answer = await api.post(`/orders/${order.id}/returns`, { lines: [], reason: 'WHY_NOT' });
    expect(answer.status).toBe(400);
  });
});

describe('customer self-service with the signed link of the order email', () => {
  const selfGet = (path: string, token?: string, header = false) =>
    fetch(`${service.url}${path}${token && !header ? `?token=${encodeURIComponent(token)}` : ''}`, {
      headers: token && header ? { authorization: `Bearer ${token}` } : {},
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { error?: { message: string }; id?: string; eligibility?: unknown },
    }));
  const selfPost = (orderId: string, token: string | undefined, body: unknown) =>
    fetch(`${service.url}/self-service/orders/${orderId}/cancellation-requests${token ? `?token=${encodeURIComponent(token)}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { workflowId?: string; status?: string; error?: { message: string } },
    }));

  it('the import starts the order confirmation email with a "view order" link scoped to that order', async () => {
    const order = await importOrder('webshop', {}, false);
    const handle = service.temporal.workflow.getHandle(orderConfirmationWorkflowId(order.id));
    const description = await handle.describe();
    expect(description.type).toBe('orderConfirmationWorkflow');
  });

  it.each([true, false])(
    'the order confirmation offers cancelling on the linked page only where self-service is on (on: %s)',
    async (selfServiceEnabled) => {
      const order = await importOrder('webshop', { selfServiceEnabled }, false);
      const history = await service.temporal.workflow.getHandle(`order-confirmation-${order.id}`).fetchHistory();
      const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
      const input = JSON.parse(Buffer.from(payload!).toString('utf8')) as { data: { canCancel: boolean; viewOrderUrl: string } };
      expect(input.data.canCancel).toBe(selfServiceEnabled);
      expect(input.data.viewOrderUrl).toMatch(/^http:\/\/shop\.example\/self-service/);
    },
  );

  it('with the token (query or bearer) the customer sees the order and its eligibility, and may ask to cancel', async () => {
    const order = await importOrder();
    const { token } = await mintSelfServiceLink(selfService, order.id);
    const viaQuery = await selfGet(`/self-service/orders/${order.id}`, token);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body.id).toBe(order.id);
    expect(viaQuery.body.eligibility).toBeDefined();
    expect((await selfGet(`/self-service/orders/${order.id}/cancellation-eligibility`, token, true)).status).toBe(200);
    const asked = await selfPost(order.id, token, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    expect(asked.status).toBe(201);
    started.add(asked.body.workflowId!);
    const request = await api.get(`/cancellation-requests?orderId=${order.id}`);
    expect(request.body.items[0]).toMatchObject({ source: 'CUSTOMER_SELF_SERVICE' } as object);
  });

  it('no token, a tampered or expired token: 401; a token for another order: 403; nothing written', async () => {
    const order = await importOrder();
    const other = await importOrder();
    const good = (await mintSelfServiceLink(selfService, order.id)).token;
    const forOther = (await mintSelfServiceLink(selfService, other.id)).token;
    const expired = (await mintSelfServiceLink(selfService, order.id, new Date(Date.now() - 2 * 3600_000))).token;
    const [h, p, s] = good.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -2)}${s!.endsWith('AA') ? 'BB' : 'AA'}`;
    const otherSecret = (await mintSelfServiceLink({ ...selfService, secret: 'x'.repeat(40) }, order.id)).token;

    const cases: [string | undefined, number, RegExp][] = [
      [undefined, 401, /token is missing/],
      [tampered, 401, /not valid/],
      [otherSecret, 401, /not valid/],
      [expired, 401, /expired/],
      [forOther, 403, /another order/],
    ];
    for (const [token, status, message] of cases) {
      const read = await selfGet(`/self-service/orders/${order.id}`, token);
      expect(read.status).toBe(status);
      expect(read.body.error!.message).toMatch(message);
      const write = await selfPost(order.id, token, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
      expect(write.status).toBe(status);
    }
    expect(await requestCount(order.id)).toBe(0);
  });
});

describe("the request's process writes its reminders and escalation to the order's timeline", () => {
  it('once per reminder and once for the escalation, however often the activity runs', async () => {
    const order = await importOrder();
    const asked = await ask(order);
    expect(asked.status).toBe(201);
    const { recordCancellationRequestEvent } = createCancellationRequestActivities({
      db: service.db,
      temporal: service.temporal,
      logger: createLogger('test'),
      liveStateTimeoutMs: 300,
      temporalTimeoutMs: 10_000,
    });
    const { requestId } = asked.body as unknown as { requestId: string };
    for (const key of ['1', '1', '2']) await recordCancellationRequestEvent({ requestId, type: 'CANCELLATION_REQUEST_REMINDER_SENT', key });
    for (let i = 0; i < 2; i++)
      await recordCancellationRequestEvent({ requestId, type: 'CANCELLATION_REQUEST_ESCALATED', key: 'escalation' });

    const timeline = (
      (await api.get(`/orders/${order.id}`)).body.timeline as { type: string; detail: { requestId?: string; key?: string } }[]
    )
      .filter((e) => e.detail.requestId === requestId)
      .map((e) => [e.type, e.detail.key]);
    expect(timeline).toEqual(
      expect.arrayContaining([
        ['CANCELLATION_REQUEST_REMINDER_SENT', '1'],
        ['CANCELLATION_REQUEST_REMINDER_SENT', '2'],
        ['CANCELLATION_REQUEST_ESCALATED', 'escalation'],
      ]),
    );
    expect(timeline.filter(([type]) => type !== 'CANCELLATION_REQUEST_RECEIVED')).toHaveLength(3);
  });
});
