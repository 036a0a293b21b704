import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { RunningOrderService } from '../src/service.ts';
import { client, orderInput, startTestService, unique } from './helpers.ts';

let service: RunningOrderService;
let api: ReturnType<typeof client>;
const startedWorkflows = new Set<string>();

beforeAll(async () => {
  service = await startTestService();
  api = client(service);
});
afterAll(async () => {
  // Nothing runs these workflows here: terminate them so they do not linger on the server.
  await Promise.all(
    [...startedWorkflows].map((id) =>
      service.temporal.workflow
        .getHandle(id)
        .terminate('order-service test finished')
        .catch(() => undefined),
    ),
  );
  await service?.close();
});

async function importOrder(overrides: Record<string, unknown> = {}, channel: Parameters<typeof orderInput>[1] = 'webshop') {
  const answer = await api.post('/orders', orderInput(overrides, channel));
  expect(answer.status).toBe(201);
  return answer.body as { id: string; merchantId: string; lines: { id: string; lineNo: number }[] };
}

async function cancel(orderId: string, body: Record<string, unknown>) {
  const answer = await api.post(`/orders/${orderId}/cancellations`, {
    reason: 'OUT_OF_STOCK',
    merchantCancellationNumber: unique('MCN'),
    ...body,
  });
  if (answer.body?.workflowId) startedWorkflows.add(answer.body.workflowId);
  return answer;
}

const cancelledQuantities = async (orderId: string) =>
  (await api.get(`/orders/${orderId}`)).body.lines.map((l: { cancelledQuantity: number }) => l.cancelledQuantity);

const countCancellations = async (orderId: string) => {
  const rows = await service.db.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) as n from "orders"."cancellation" where "order_id" = ?`, [orderId]);
  return Number(rows[0]!.n);
};

const ship = (orderId: string, lineId: string, quantity: number) =>
  service.db.em
    .fork()
    .execute(`update "orders"."order_line" set "shipped_quantity" = ? where "id" = ? and "order_id" = ?`, [quantity, lineId, orderId]);

describe('POST /orders/:id/cancellations', () => {
  it('reserves the quantities, starts the workflow and answers 202 with the cancellation and workflow ids', async () => {
    const order = await importOrder();
    const answer = await cancel(order.id, {
      lines: [
        { lineId: order.lines[0]!.id, quantity: 1 },
        { lineId: order.lines[1]!.id, quantity: 1 },
      ],
      restock: true,
      comment: 'supplier out of mugs',
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ status: 'IN_PROGRESS', workflowId: `cancellation-${answer.body.cancellationId}` });
    expect(answer.headers.get('location')).toBe(`/cancellations/${answer.body.cancellationId}`);

    expect(await cancelledQuantities(order.id)).toEqual([1, 1]);
    const described = await service.temporal.workflow.getHandle(answer.body.workflowId).describe();
    expect(described.type).toBe('cancellationWorkflow');
    expect(described.taskQueue).toBe('cancellations');

    const c = await api.get(`/cancellations/${answer.body.cancellationId}`);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      status: 'IN_PROGRESS',
      reason: 'OUT_OF_STOCK',
      amount: 1000 + 2500,
      currency: 'EUR',
      restock: true,
      comment: 'supplier out of mugs',
      workflowId: answer.body.workflowId,
      lines: [
        { lineId: order.lines[0]!.id, quantity: 1 },
        { lineId: order.lines[1]!.id, quantity: 1 },
      ].map((l) => expect.objectContaining(l)),
    });
    expect(c.body.steps.map((s: { step: string }) => s.step)).toEqual(['RESERVED']);

    const detail = await api.get(`/orders/${order.id}`);
    expect(detail.body.cancellations).toHaveLength(1);
    // The request is an order event; the reservation, the cancellation's first step, is read from its steps.
    expect(detail.body.timeline.map((e: { type: string }) => e.type).sort()).toEqual([
      'CANCELLATION_REQUESTED',
      'CANCELLATION_RESERVED',
      'IMPORTED',
    ]);
  });

  it('cancelling every open quantity makes the order CANCELLED', async () => {
    const order = await importOrder();
    const answer = await cancel(order.id, {
      lines: [
        { lineId: order.lines[0]!.id, quantity: 2 },
        { lineId: order.lines[1]!.id, quantity: 1 },
      ],
    });
    expect(answer.status).toBe(202);
    expect((await api.get(`/orders/${order.id}`)).body.status).toBe('CANCELLED');
  });

  it('refuses to cancel more than is neither shipped nor cancelled (422) and writes nothing', async () => {
    const order = await importOrder();
    await ship(order.id, order.lines[0]!.id, 1);
    const answer = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 2 }] });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/cannot cancel 2, only 1 of 2/);
    expect(await cancelledQuantities(order.id)).toEqual([0, 0]);
    expect(await countCancellations(order.id)).toBe(0);
  });

  it('refuses to cancel a shipped order (422): a return is the way', async () => {
    const order = await importOrder();
    await ship(order.id, order.lines[0]!.id, 2);
    await ship(order.id, order.lines[1]!.id, 1);
    await service.db.em.fork().execute(`update "orders"."order" set "status" = 'SHIPPED' where "id" = ?`, [order.id]);
    const answer = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/open a return/);
  });

  it('on a whole-lines-only channel (walmart) refuses a part of a line (422) and accepts the whole line', async () => {
    const order = await importOrder({}, 'walmart');
    const part = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    expect(part.status).toBe(422);
    expect(part.body.error.message).toMatch(/whole lines only/);
    expect(await cancelledQuantities(order.id)).toEqual([0, 0]);
    const whole = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 2 }] });
    expect(whole.status).toBe(202);
  });

  it('refuses a line of another order (422)', async () => {
    const order = await importOrder();
    const other = await importOrder();
    const answer = await cancel(order.id, { lines: [{ lineId: other.lines[0]!.id, quantity: 1 }] });
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/not a line of this order/);
  });

  it('an identical repeat of the same request answers 200 with the same cancellation and reserves nothing more', async () => {
    const order = await importOrder();
    const body = { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }], merchantCancellationNumber: unique('MCN') };
    const first = await cancel(order.id, body);
    const again = await cancel(order.id, body);
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body.cancellationId).toBe(first.body.cancellationId);
    expect(again.body.workflowId).toBe(first.body.workflowId);
    expect(await cancelledQuantities(order.id)).toEqual([1, 0]);
  });

  it('refuses a reused merchantCancellationNumber with different lines (409), on the same or another order of the merchant', async () => {
    const merchantId = unique('m');
    const order = await importOrder({ merchantId });
    const other = await importOrder({ merchantId });
    const number = unique('MCN');
    expect(
      (await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }], merchantCancellationNumber: number })).status,
    ).toBe(202);
    const sameOrder = await cancel(order.id, { lines: [{ lineId: order.lines[1]!.id, quantity: 1 }], merchantCancellationNumber: number });
    expect(sameOrder.status).toBe(409);
    expect(sameOrder.body.error.message).toMatch(new RegExp(`${number} is already used`));
    const otherOrder = await cancel(other.id, { lines: [{ lineId: other.lines[0]!.id, quantity: 1 }], merchantCancellationNumber: number });
    expect(otherOrder.status).toBe(409);
    expect(await cancelledQuantities(order.id)).toEqual([1, 0]);
    expect(await cancelledQuantities(other.id)).toEqual([0, 0]);
  });

  it('another merchant may use the same merchantCancellationNumber', async () => {
    const number = unique('MCN');
    const a = await importOrder();
    const b = await importOrder();
    expect((await cancel(a.id, { lines: [{ lineId: a.lines[1]!.id, quantity: 1 }], merchantCancellationNumber: number })).status).toBe(202);
    expect((await cancel(b.id, { lines: [{ lineId: b.lines[1]!.id, quantity: 1 }], merchantCancellationNumber: number })).status).toBe(202);
  });

  it('two concurrent cancellations of the same line: exactly one wins, the other is refused, quantities stay right', async () => {
    const order = await importOrder();
    const lines = [{ lineId: order.lines[0]!.id, quantity: 2 }];
    const answers = await Promise.all([cancel(order.id, { lines }), cancel(order.id, { lines })]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(202);
    expect([409, 422]).toContain(statuses[1]);
    expect(await cancelledQuantities(order.id)).toEqual([2, 0]);
    expect(await countCancellations(order.id)).toBe(1);
  });

  it('concurrent requests that together ask more than is open never over-cancel', async () => {
    const order = await importOrder({
      lines: [{ sku: 'BOX', quantity: 5, unitPrice: 900 }],
      payments: [{ method: 'CARD', amount: 4500, reference: unique('p') }],
    });
    const lineId = order.lines[0]!.id;
    const answers = await Promise.all([1, 2, 3, 4].map(() => cancel(order.id, { lines: [{ lineId, quantity: 2 }] })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 422)).toHaveLength(2);
    expect(await cancelledQuantities(order.id)).toEqual([4]);
  });

  it('two concurrent requests with the same merchant number on two orders: one wins, the other gets 409', async () => {
    const merchantId = unique('m');
    const a = await importOrder({ merchantId });
    const b = await importOrder({ merchantId });
    const number = unique('MCN');
    const answers = await Promise.all([
      cancel(a.id, { lines: [{ lineId: a.lines[0]!.id, quantity: 1 }], merchantCancellationNumber: number }),
      cancel(b.id, { lines: [{ lineId: b.lines[0]!.id, quantity: 1 }], merchantCancellationNumber: number }),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([202, 409]);
    const total = (await cancelledQuantities(a.id))[0]! + (await cancelledQuantities(b.id))[0]!;
    expect(total).toBe(1);
  });

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['no lines', { lines: [] }, /at least one line/],
    ['a zero quantity', { lines: [{ lineId: 'x', quantity: 0 }] }, /at least 1/],
    ['a fractional quantity', { lines: [{ lineId: 'x', quantity: 1.5 }] }, /whole number/],
    ['an unknown reason', { reason: 'BORED' }, /reason/],
    ['FILL_OR_KILL from a merchant', { reason: 'FILL_OR_KILL' }, /made by the system/],
    ['an unknown refund method', { refundMethod: 'CASH' }, /refundMethod/],
    ['restock as a string', { restock: 'yes' }, /restock/],
    ['a missing merchantCancellationNumber', { merchantCancellationNumber: '  ' }, /merchantCancellationNumber: is required/],
    ['SYSTEM as initiator', { initiator: 'SYSTEM' }, /initiator/],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses ${what} with 400 and writes nothing`, async () => {
      const order = await importOrder();
      const answer = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }], ...body });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.error)).toMatch(message);
      expect(await cancelledQuantities(order.id)).toEqual([0, 0]);
      expect(await countCancellations(order.id)).toBe(0);
    });
  }

  it('answers 404 for an unknown or malformed order id', async () => {
    const body = { lines: [{ lineId: 'x', quantity: 1 }] };
    expect((await cancel('00000000-0000-4000-8000-000000000000', body)).status).toBe(404);
    expect((await cancel('nope', body)).status).toBe(404);
  });

  it('answers 503 and changes nothing when Temporal cannot be reached', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const down = await startTestService({ temporalClient: unreachable }, { workflowStartTimeoutMs: 2_000 });
    try {
      const order = await importOrder();
      const answer = await client(down).post(`/orders/${order.id}/cancellations`, {
        reason: 'OUT_OF_STOCK',
        merchantCancellationNumber: unique('MCN'),
        lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error.message).toMatch(/nothing was changed, try again/);
      expect(await cancelledQuantities(order.id)).toEqual([0, 0]);
      expect(await countCancellations(order.id)).toBe(0);
      expect((await api.get(`/orders/${order.id}`)).body.timeline).toHaveLength(1);
    } finally {
      await down.close();
    }
  });
});

describe('GET /orders/:id/cancellation-eligibility', () => {
  it('amazon: customers may cancel within 30 minutes of ordering, merchants until shipped', async () => {
    const fresh = await importOrder({ placedAt: new Date().toISOString() }, 'amazon');
    const e1 = await api.get(`/orders/${fresh.id}/cancellation-eligibility`);
    expect(e1.status).toBe(200);
    expect(e1.body.customer.allowed).toBe(true);
    expect(e1.body.merchant.allowed).toBe(true);

    const old = await importOrder({ placedAt: new Date(Date.now() - 31 * 60_000).toISOString() }, 'amazon');
    const e2 = await api.get(`/orders/${old.id}/cancellation-eligibility`);
    expect(e2.body.customer).toMatchObject({ allowed: false });
    expect(e2.body.customer.reason).toMatch(/within 30 minutes/);
    expect(e2.body.merchant.allowed).toBe(true);
    expect(e2.body.lines.map((l: { cancellableQuantity: number }) => l.cancellableQuantity)).toEqual([2, 1]);
  });

  it('walmart: a line shipped in part cannot be cancelled, whole unshipped lines can', async () => {
    const order = await importOrder({}, 'walmart');
    await ship(order.id, order.lines[0]!.id, 1);
    const e = await api.get(`/orders/${order.id}/cancellation-eligibility`);
    expect(e.body.lines[0]).toMatchObject({ cancellableQuantity: 0, wholeLineOnly: true });
    expect(e.body.lines[0]!.notCancellable.join(' ')).toMatch(/whole unshipped lines only/);
    expect(e.body.lines[1]).toMatchObject({ cancellableQuantity: 1 });
  });

  it('webshop: self-service turned off keeps customers out, merchants in', async () => {
    const order = await importOrder({ selfServiceEnabled: false });
    const e = await api.get(`/orders/${order.id}/cancellation-eligibility`);
    expect(e.body.customer.allowed).toBe(false);
    expect(e.body.customer.reason).toMatch(/self-service/);
    expect(e.body.merchant.allowed).toBe(true);
  });

  it('answers 404 for an unknown order', async () => {
    expect((await api.get('/orders/00000000-0000-4000-8000-000000000000/cancellation-eligibility')).status).toBe(404);
  });

  it('previews the refund before the merchant confirms: lines less their share of the order discount, and shipping with the last open unit', async () => {
    // 2 mugs at 10.00 (21 % VAT), a teapot at 25.00 (9 %), 3.00 off the order, 4.95 shipping: 46.95 paid.
    const order = await importOrder({
      lines: [
        { sku: 'MUG-1', quantity: 2, unitPrice: 1000, vatRate: 2100 },
        { sku: 'TEA-9', quantity: 1, unitPrice: 2500, vatRate: 900 },
      ],
      discounts: [{ amount: 300 }],
      shipping: { amount: 495, vatRate: 2100 },
      payments: [{ method: 'CARD', amount: 4695, reference: unique('pay') }],
    });
    const [mug, tea] = order.lines;
    // The discount is shared 2000 : 2500 by largest remainder (133 and 167): the mugs cost 18.67, the teapot 23.33.
    const one = await api.get(`/orders/${order.id}/cancellation-eligibility?lines=${mug!.id}:1`);
    expect(one.status).toBe(200);
    expect(one.body.refundPreview).toMatchObject({
      currency: 'EUR',
      amount: 933,
      vat: 162,
      shipping: { amount: 0, vat: 0 },
      lines: [{ lineId: mug!.id, quantity: 1, amount: 933, vat: 162 }],
    });
    expect(one.body.lines.map((l) => l.refundPreview?.amount)).toEqual([1867, 2333]);

    const first = await cancel(order.id, { lines: [{ lineId: mug!.id, quantity: 1 }] });
    expect(first.status).toBe(202);
    const firstView = await api.get(`/cancellations/${first.body.cancellationId}`);
    expect(firstView.body).toMatchObject({ amount: 933, vat: 162, shipping: { amount: 0, vat: 0 } });

    // Everything left: the second mug takes the line's rest (9.34), the teapot all of its 23.33, and the shipping goes back.
    const rest = await api.get(`/orders/${order.id}/cancellation-eligibility`);
    expect(rest.body.refundPreview).toMatchObject({ amount: 934 + 2333 + 495, shipping: { amount: 495, vat: 86 } });
    const second = await cancel(order.id, {
      lines: [
        { lineId: mug!.id, quantity: 1 },
        { lineId: tea!.id, quantity: 1 },
      ],
    });
    const secondView = await api.get(`/cancellations/${second.body.cancellationId}`);
    expect(secondView.body.amount).toBe(rest.body.refundPreview.amount);
    expect(firstView.body.amount + secondView.body.amount).toBe(4695);
    const detail = await api.get(`/orders/${order.id}`);
    expect(firstView.body.vat + secondView.body.vat).toBe((detail.body.money as { vat: number }).vat);
  });

  it('refuses a preview of lines it cannot read (400) or of more than can be cancelled (4xx naming the line)', async () => {
    const order = await importOrder();
    const malformed = await api.get(`/orders/${order.id}/cancellation-eligibility?lines=mug:two`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/is not <lineId>:<quantity>/);
    const tooMany = await api.get(`/orders/${order.id}/cancellation-eligibility?lines=${order.lines[0]!.id}:5`);
    expect(tooMany.status).toBeGreaterThanOrEqual(400);
    expect(tooMany.status).toBeLessThan(500);
    expect(tooMany.body.error.message).toMatch(/line 1 \(MUG-1\): cannot cancel 5, only 2/);
  });
});

describe('GET /cancellations/:id and POST /cancellations/:id/retry-refund', () => {
  it('answers 404 for an unknown or malformed cancellation id', async () => {
    expect((await api.get('/cancellations/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api.get('/cancellations/nope')).status).toBe(404);
    expect((await api.post('/cancellations/00000000-0000-4000-8000-000000000000/retry-refund', { staffId: 'sue' })).status).toBe(404);
  });

  it('refuses a retry without staffId (400)', async () => {
    const order = await importOrder();
    const c = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    const answer = await api.post(`/cancellations/${c.body.cancellationId}/retry-refund`, {});
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.error)).toMatch(/staffId/);
  });

  it('refuses to retry the refund of a cancellation that is already CANCELLED (409)', async () => {
    const order = await importOrder();
    const c = await cancel(order.id, { lines: [{ lineId: order.lines[0]!.id, quantity: 1 }] });
    await service.db.em.fork().execute(`update "orders"."cancellation" set "status" = 'CANCELLED' where "id" = ?`, [c.body.cancellationId]);
    const answer = await api.post(`/cancellations/${c.body.cancellationId}/retry-refund`, { staffId: 'sue' });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/only a cancellation whose refund failed/);
  });
});

describe('POST /disputes/:id/close and the sandbox records', () => {
  it('answers 404 for an unknown dispute and 400 for an unknown resolution', async () => {
    expect((await api.post('/disputes/00000000-0000-4000-8000-000000000000/close', { resolution: 'SELLER_REFUNDS' })).status).toBe(404);
    const bad = await api.post('/disputes/00000000-0000-4000-8000-000000000000/close', { resolution: 'WHATEVER' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toMatch(/resolution/);
  });

  it('the sandbox endpoints need an order id', async () => {
    for (const [path, says] of [
      ['/sandbox/channel-messages', /orderId: is required/],
      ['/sandbox/inventory-movements?orderId=nope', /orderId: must be a UUID/],
    ] as const) {
      const answer = await api.get(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.message).toMatch(says);
    }
  });
});
