import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOrderService } from '../src/service.ts';
import { client, orderInput, startTestService, unique } from './helpers.ts';

interface Line {
  id: string;
  lineNo: number;
  quantity: number;
  shippedQuantity: number;
  cancelledQuantity: number;
  openQuantity: number;
}
interface OrderAnswer {
  id: string;
  status: string;
  lines: Line[];
  timeline: { type: string; detail: Record<string, unknown> }[];
  shipments: { id: string; lines: { lineId: string; quantity: number; fromOpen: number; shippedAfterCancel: number }[] }[];
  cancellations: { id: string; reason: string; initiator: string; amount: number; lines: { lineId: string; quantity: number }[] }[];
}
interface ShipmentAnswer {
  id: string;
  shipmentNumber: string;
  trackingNumber: string;
  fillOrKillCancellationId?: string;
  cancelledButShippedId?: string;
  lines: { lineId: string; quantity: number; fromOpen: number; shippedAfterCancel: number }[];
  error: { code: string; message: string; details?: { path?: string; message: string }[] };
}

let service: RunningOrderService;
let api: ReturnType<typeof client>;
const startedWorkflows = new Set<string>();

beforeAll(async () => {
  service = await startTestService();
  api = client(service);
});
afterAll(async () => {
  // No workflow worker runs in this file: terminate what the tests started.
  await Promise.all(
    [...startedWorkflows].map((id) =>
      service.temporal.workflow
        .getHandle(id)
        .terminate('shipment test finished')
        .catch(() => undefined),
    ),
  );
  await service?.close();
});

async function importOrder(
  channel: Parameters<typeof orderInput>[1] = 'webshop',
  lines?: { sku: string; quantity: number; unitPrice: number }[],
) {
  const answer = await api.post(
    '/orders',
    orderInput(
      lines
        ? {
            lines,
            payments: [{ method: 'CARD', amount: lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0), reference: unique('pay') }],
          }
        : {},
      channel,
    ),
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as unknown as OrderAnswer;
}

const order = async (id: string) => (await api.get(`/orders/${id}`)).body as unknown as OrderAnswer;

async function ship(orderId: string, lines: { lineId: string; quantity: number }[], extra: Record<string, unknown> = {}) {
  const answer = await api.post(`/orders/${orderId}/shipments`, {
    lines,
    carrier: 'DHL',
    trackingNumber: unique('JJD'),
    shipmentNumber: unique('S'),
    ...extra,
  });
  const body = answer.body as unknown as ShipmentAnswer;
  if (body.cancelledButShippedId) {
    const cancelledButShipped = (await api.get(`/cancelled-but-shipped/${body.cancelledButShippedId}`)).body as unknown as {
      workflowId: string;
    };
    startedWorkflows.add(cancelledButShipped.workflowId);
  }
  if (body.fillOrKillCancellationId) startedWorkflows.add(`cancellation-${body.fillOrKillCancellationId}`);
  return { status: answer.status, body, headers: answer.headers };
}

async function cancel(orderId: string, lineId: string, quantity: number) {
  const answer = await api.post(`/orders/${orderId}/cancellations`, {
    lines: [{ lineId, quantity }],
    reason: 'OUT_OF_STOCK',
    merchantCancellationNumber: unique('MCN'),
  });
  if (answer.body.workflowId) startedWorkflows.add(answer.body.workflowId);
  return answer;
}

const count = async (table: string, orderId: string) => {
  const rows = await service.db.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) as n from "orders"."${table}" where "order_id" = ?`, [orderId]);
  return Number(rows[0]!.n);
};

describe('POST /orders/:id/shipments', () => {
  it('keeps the quantity shipped per line; a partial shipment on a normal channel keeps the rest open (PARTIALLY_SHIPPED), the rest makes it SHIPPED', async () => {
    const o = await importOrder();
    const first = await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 1 }], { shipmentNumber: 'ASN-1' });
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/shipments/${first.body.id}`);
    expect(first.body.fillOrKillCancellationId).toBeUndefined();
    expect(first.body.cancelledButShippedId).toBeUndefined();
    expect(first.body.lines).toEqual([{ lineId: o.lines[0]!.id, quantity: 1, fromOpen: 1, shippedAfterCancel: 0 }]);

    let after = await order(o.id);
    expect(after.status).toBe('PARTIALLY_SHIPPED');
    expect(after.lines[0]).toMatchObject({ shippedQuantity: 1, cancelledQuantity: 0, openQuantity: 1 });
    expect(after.timeline.map((e) => e.type)).toContain('SHIPMENT_RECORDED');
    expect(after.shipments.map((s) => s.id)).toEqual([first.body.id]);

    const rest = await ship(o.id, [
      { lineId: o.lines[0]!.id, quantity: 1 },
      { lineId: o.lines[1]!.id, quantity: 1 },
    ]);
    expect(rest.status).toBe(201);
    after = await order(o.id);
    expect(after.status).toBe('SHIPPED');
    expect(after.lines.map((l) => l.shippedQuantity)).toEqual([2, 1]);
  });

  it('refuses to ship more than was ordered (422, says how many are left) and writes nothing', async () => {
    const o = await importOrder();
    await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 1 }]);
    const answer = await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 2 }]);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/line 1 \(MUG-1\): cannot ship 2, only 1 of 2 are not shipped yet/);
    expect(await count('shipment', o.id)).toBe(1);
    expect((await order(o.id)).lines[0]!.shippedQuantity).toBe(1);
  });

  it("a reused tracking number under another shipment number is another shipment: the warehouse's number is the identity", async () => {
    const o = await importOrder();
    const trackingNumber = unique('JJD');
    const first = await api.post(`/orders/${o.id}/shipments`, {
      lines: [{ lineId: o.lines[0]!.id, quantity: 1 }],
      carrier: 'DHL',
      trackingNumber,
      shipmentNumber: unique('S'),
    });
    const second = await api.post(`/orders/${o.id}/shipments`, {
      lines: [{ lineId: o.lines[0]!.id, quantity: 1 }],
      carrier: 'DHL',
      trackingNumber,
      shipmentNumber: unique('S'),
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(first.body.id).not.toBe(second.body.id);
    expect((await order(o.id)).lines[0]!.shippedQuantity).toBe(2);
  });

  it('answers 400 with a clear message for bad input, 404 for an unknown order, 422 for a line of another order, and writes nothing', async () => {
    const o = await importOrder();
    const line = o.lines[0]!.id;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ shipmentNumber: 'S1', lines: [{ lineId: line, quantity: 1 }], trackingNumber: 'T1' }, /carrier: is required/],
      [{ lines: [{ lineId: line, quantity: 1 }], carrier: 'DHL', shipmentNumber: 'S1' }, /trackingNumber: is required/],
      [{ lines: [{ lineId: line, quantity: 1 }], carrier: 'DHL', trackingNumber: 'T1' }, /shipmentNumber: is required/],
      [{ shipmentNumber: 'S1', lines: [], carrier: 'DHL', trackingNumber: 'T1' }, /at least one line/],
      [{ shipmentNumber: 'S1', lines: [{ lineId: line, quantity: 0 }], carrier: 'DHL', trackingNumber: 'T1' }, /at least 1/],
      [{ shipmentNumber: 'S1', lines: [{ lineId: line, quantity: 1.5 }], carrier: 'DHL', trackingNumber: 'T1' }, /whole number/],
      [
        { shipmentNumber: 'S1', lines: [{ lineId: line, quantity: 1 }], carrier: 'DHL', trackingNumber: 'T1', shippedAt: 'yesterday' },
        /ISO date-time/,
      ],
      [{ shipmentNumber: 'S1', lines: [{ lineId: line, quantity: 1 }], carrier: 'DHL', trackingNumber: 'T1', box: 3 }, /box/],
      [
        { shipmentNumber: 'S1', lines: [{ lineId: line, quantity: 1 }], carrier: 'DHL', trackingNumber: 'https://dhl.example/track/T1' },
        /not a tracking link/,
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await api.post(`/orders/${o.id}/shipments`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(answer.body.error)).toMatch(message);
    }
    const other = await importOrder();
    const foreign = await ship(o.id, [{ lineId: other.lines[0]!.id, quantity: 1 }]);
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.message).toMatch(/is not a line of this order/);
    expect((await ship(crypto.randomUUID(), [{ lineId: line, quantity: 1 }])).status).toBe(404);
    expect(await count('shipment', o.id)).toBe(0);
    expect((await order(o.id)).lines.every((l) => l.shippedQuantity === 0)).toBe(true);
  });

  it('is idempotent on the shipment number: the same notice again is the same shipment, other content under it is 409', async () => {
    const o = await importOrder();
    const body = {
      lines: [{ lineId: o.lines[0]!.id, quantity: 1 }],
      carrier: 'DHL',
      trackingNumber: unique('JJD'),
      shipmentNumber: unique('S'),
    };
    const [a, b] = await Promise.all([api.post(`/orders/${o.id}/shipments`, body), api.post(`/orders/${o.id}/shipments`, body)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    const again = await api.post(`/orders/${o.id}/shipments`, body);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(a.body.id);
    const different = await api.post(`/orders/${o.id}/shipments`, { ...body, lines: [{ lineId: o.lines[0]!.id, quantity: 2 }] });
    expect(different.status).toBe(409);
    expect(different.body.error.message).toMatch(/already recorded with other lines.*new shipmentNumber/);
    expect((await order(o.id)).lines[0]!.shippedQuantity).toBe(1);
  });

  it('takes open quantity first, then cancelled quantity: only what was cancelled and shipped starts the cancelled-but-shipped process', async () => {
    const o = await importOrder('webshop', [{ sku: 'MUG-1', quantity: 3, unitPrice: 1000 }]);
    expect((await cancel(o.id, o.lines[0]!.id, 2)).status).toBe(202);
    const answer = await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 2 }]);
    expect(answer.status).toBe(201);
    expect(answer.body.lines[0]).toMatchObject({ quantity: 2, fromOpen: 1, shippedAfterCancel: 1 });
    expect(answer.body.cancelledButShippedId).toBeDefined();

    const after = await order(o.id);
    expect(after.lines[0]).toMatchObject({ quantity: 3, shippedQuantity: 2, cancelledQuantity: 1, openQuantity: 0 });
    expect(after.status).toBe('SHIPPED');
    expect(after.timeline.map((e) => e.type)).toContain('CANCELLED_BUT_SHIPPED_STARTED');

    const cancelledButShipped = await api.get(`/cancelled-but-shipped/${answer.body.cancelledButShippedId}`);
    expect(cancelledButShipped.status).toBe(200);
    expect(cancelledButShipped.body).toMatchObject({
      status: 'AWAITING_ACKNOWLEDGEMENT',
      amount: 1000,
      currency: 'EUR',
      workflowId: `cancelled-but-shipped-${answer.body.id}`,
    });
    expect((cancelledButShipped.body.steps as { step: string }[]).map((s) => s.step)).toEqual(['STARTED']);
    const described = await service.temporal.workflow.getHandle(`cancelled-but-shipped-${answer.body.id}`).describe();
    expect(described.type).toBe('cancelledButShippedWorkflow');
  });

  it('on a fill-or-kill channel, shipping 3 of 10 cancels the other 7 at once (FILL_OR_KILL, SYSTEM): shipped 3 and cancelled 7 of 10', async () => {
    const o = await importOrder('walmart', [
      { sku: 'CHAIR', quantity: 10, unitPrice: 1000 },
      { sku: 'TABLE', quantity: 1, unitPrice: 5000 },
    ]);
    const answer = await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 3 }]);
    expect(answer.status).toBe(201);
    expect(answer.body.fillOrKillCancellationId).toBeDefined();
    const after = await order(o.id);
    expect(after.lines[0]).toMatchObject({ quantity: 10, shippedQuantity: 3, cancelledQuantity: 7, openQuantity: 0 });
    expect(after.lines[1]).toMatchObject({ shippedQuantity: 0, cancelledQuantity: 0, openQuantity: 1 });
    expect(after.status).toBe('PARTIALLY_SHIPPED');
    expect(after.cancellations).toHaveLength(1);
    expect(after.cancellations[0]).toMatchObject({
      id: answer.body.fillOrKillCancellationId,
      reason: 'FILL_OR_KILL',
      initiator: 'SYSTEM',
      amount: 7000,
    });
    // A repeat of the notice does not kill twice.
    const again = await api.post(`/orders/${o.id}/shipments`, {
      lines: [{ lineId: o.lines[0]!.id, quantity: 3 }],
      carrier: 'DHL',
      trackingNumber: answer.body.trackingNumber,
      shipmentNumber: answer.body.shipmentNumber,
    });
    expect(again.status).toBe(200);
    expect((again.body as unknown as ShipmentAnswer).fillOrKillCancellationId).toBe(answer.body.fillOrKillCancellationId);
    expect(await count('cancellation', o.id)).toBe(1);
  });

  it('a whole line shipped on a fill-or-kill channel cancels nothing', async () => {
    const o = await importOrder('walmart', [{ sku: 'CHAIR', quantity: 2, unitPrice: 1000 }]);
    const answer = await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 2 }]);
    expect(answer.body.fillOrKillCancellationId).toBeUndefined();
    expect((await order(o.id)).status).toBe('SHIPPED');
  });

  it('a shipment and a cancellation of the same line race safely: quantities never count a unit twice', async () => {
    for (let round = 0; round < 4; round++) {
      const o = await importOrder('webshop', [{ sku: 'MUG-1', quantity: 2, unitPrice: 1000 }]);
      const line = o.lines[0]!.id;
      const [shipment, cancellation] = await Promise.all([ship(o.id, [{ lineId: line, quantity: 2 }]), cancel(o.id, line, 2)]);
      expect(shipment.status).toBe(201);
      const after = (await order(o.id)).lines[0]!;
      expect(after.shippedQuantity).toBe(2);
      expect(after.shippedQuantity + after.cancelledQuantity).toBeLessThanOrEqual(after.quantity);
      if (cancellation.status === 202) {
        // The cancellation came first: the shipment took the cancelled units, and the cancelled-but-shipped process handles them.
        expect(shipment.body.lines[0]!.shippedAfterCancel).toBe(2);
        expect(shipment.body.cancelledButShippedId).toBeDefined();
      } else {
        // The shipment came first: nothing was left to cancel.
        expect([409, 422]).toContain(cancellation.status);
        expect(shipment.body.cancelledButShippedId).toBeUndefined();
      }
    }
  });
});

describe('GET /cancelled-but-shipped', () => {
  it("answers 400 for an unknown status and 404 for an unknown cancelled-but-shipped process; the acknowledgement needs staffId, accepted and the customer's words", async () => {
    expect((await api.get('/cancelled-but-shipped?status=NOPE')).status).toBe(400);
    expect((await api.get(`/cancelled-but-shipped/${crypto.randomUUID()}`)).status).toBe(404);
    const o = await importOrder('webshop', [{ sku: 'MUG-1', quantity: 1, unitPrice: 1000 }]);
    await cancel(o.id, o.lines[0]!.id, 1);
    const shipped = await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 1 }]);
    const id = shipped.body.cancelledButShippedId!;
    for (const body of [{}, { staffId: 'grace', accepted: 'yes', evidence: 'I accept it' }, { staffId: 'grace', accepted: true }]) {
      const answer = await api.post(`/cancelled-but-shipped/${id}/acknowledgement`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
    }
    expect((await api.post(`/cancelled-but-shipped/${id}/rebill-approval`, {})).status).toBe(400);
    const listed = await api.get(`/cancelled-but-shipped?orderId=${o.id}`);
    expect(listed.body.items.map((c) => c.id)).toEqual([id]);
  });

  it('an acknowledgement after the cancelled-but-shipped process became a return for want of an answer is refused (409), the process not asked, nothing written', async () => {
    const o = await importOrder('webshop', [{ sku: 'MUG-1', quantity: 1, unitPrice: 1000 }]);
    await cancel(o.id, o.lines[0]!.id, 1);
    const id = (await ship(o.id, [{ lineId: o.lines[0]!.id, quantity: 1 }])).body.cancelledButShippedId!;
    // The deadline passed without an answer: the process turned the cancelled-but-shipped process into a return.
    await service.db.em.fork().execute(`update "orders"."cancelled_but_shipped" set "status" = 'RETURN_REQUESTED' where "id" = ?`, [id]);
    const late = await api.post(`/cancelled-but-shipped/${id}/acknowledgement`, {
      staffId: 'grace',
      accepted: true,
      evidence: 'too late: "I accept"',
    });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/already settled \(RETURN_REQUESTED\)/);
    const after = (await api.get(`/cancelled-but-shipped/${id}`)).body as unknown as {
      acknowledgement?: unknown;
      steps: { step: string }[];
    };
    expect(after.acknowledgement).toBeUndefined();
    expect(after.steps.map((s) => s.step)).toEqual(['STARTED']);
  });
});
