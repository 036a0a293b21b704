import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningOrderService } from '../src/service.ts';
import { client, orderInput, startTestService, unique } from './helpers.ts';

let service: RunningOrderService;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  service = await startTestService();
  api = client(service);
});
afterAll(async () => {
  await service?.close();
});

const countOrders = async (channelOrderNo: string) => {
  const rows = await service.db.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) as n from "orders"."order" where "channel_order_no" = ?`, [channelOrderNo]);
  return Number(rows[0]!.n);
};

describe('POST /orders', () => {
  it('imports an order as NEW with its lines, payments and an IMPORTED event', async () => {
    const input = orderInput();
    const created = await api.post('/orders', input);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/orders/${created.body.id}`);
    expect(created.body).toMatchObject({
      channel: 'webshop',
      channelOrderNo: input.channelOrderNo,
      status: 'NEW',
      acknowledged: false,
      total: 4500,
      lines: [
        { lineNo: 1, sku: 'MUG-1', quantity: 2, unitPrice: 1000, shippedQuantity: 0, cancelledQuantity: 0, openQuantity: 2 },
        { lineNo: 2, sku: 'TEA-9', quantity: 1, unitPrice: 2500, openQuantity: 1 },
      ],
    });
    const detail = await api.get(`/orders/${created.body.id}`);
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual(['IMPORTED']);
  });

  it('imports the order money: VAT rates, line and order discounts, shipping; payments add up to the total', async () => {
    const input = orderInput({
      lines: [
        { sku: 'MUG-1', quantity: 2, unitPrice: 1210, vatRate: 2100, discount: 210 },
        { sku: 'TEA-9', quantity: 1, unitPrice: 1090, vatRate: 900 },
      ],
      discounts: [{ amount: 300, description: 'WELCOME3' }],
      shipping: { amount: 495, vatRate: 2100 },
      payments: [{ method: 'CARD', amount: 3495, reference: unique('pay') }],
    });
    const created = await api.post('/orders', input);
    expect(created.status).toBe(201);
    // Order discount shared 2210 : 1090 by largest remainder -> 201 and 99.
    expect(created.body).toMatchObject({
      total: 3495,
      money: {
        subtotal: 3510,
        discount: 510,
        discounts: [{ amount: 300, description: 'WELCOME3' }],
        shipping: { amount: 495, vatRate: 2100, vat: 86 },
        total: 3495,
        vat: 349 + 82 + 86,
      },
      lines: [
        { sku: 'MUG-1', unitPrice: 1210, vatRate: 2100, discount: 210, orderDiscountShare: 201, total: 2009, vat: 349 },
        { sku: 'TEA-9', unitPrice: 1090, vatRate: 900, discount: 0, orderDiscountShare: 99, total: 991, vat: 82 },
      ],
    });
    const detail = await api.get(`/orders/${created.body.id}`);
    expect(detail.body.money).toEqual(created.body.money);
    const again = await api.post('/orders', { ...input, shipping: { amount: 495, vatRate: 900 } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/different shipping/);
  });

  it('refuses payments that do not add up to the total with discounts and shipping (400), naming the numbers', async () => {
    const input = orderInput({ discounts: [{ amount: 500 }], shipping: { amount: 495 } });
    const answer = await api.post('/orders', input);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContainEqual({
      path: 'payments',
      message:
        'payments add up to 4500 but the order totals 4495 (minor units: lines 4500 - discounts 500 + shipping 495): they must match',
    });
    expect(await countOrders(input.channelOrderNo)).toBe(0);
  });

  it('is idempotent on channel and channel order number: the same order again answers 200 with the first one', async () => {
    const input = orderInput();
    const first = await api.post('/orders', input);
    const again = await api.post('/orders', input);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await countOrders(input.channelOrderNo)).toBe(1);
  });

  it('two concurrent imports of the same order create it once', async () => {
    const input = orderInput();
    const answers = await Promise.all([api.post('/orders', input), api.post('/orders', input), api.post('/orders', input)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await countOrders(input.channelOrderNo)).toBe(1);
  });

  it('refuses the same channel order number with different content (409), naming what differs', async () => {
    const input = orderInput();
    await api.post('/orders', input);
    const changed = await api.post('/orders', {
      ...input,
      lines: [{ sku: 'MUG-1', quantity: 3, unitPrice: 1500 }],
    });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('CONFLICT');
    expect(changed.body.error.message).toMatch(/already imported .* different lines/);
  });

  it('the same number on another channel is another order', async () => {
    const input = orderInput();
    const a = await api.post('/orders', input);
    const b = await api.post('/orders', { ...input, channel: 'amazon' });
    expect(b.status).toBe(201);
    expect(b.body.id).not.toBe(a.body.id);
  });

  const bad: [string, (o: Record<string, unknown>) => unknown, RegExp][] = [
    ['a missing channelOrderNo', ({ channelOrderNo: _, ...o }) => o, /channelOrderNo/],
    ['an unknown channel', (o) => ({ ...o, channel: 'myspace' }), /channel/],
    ['a quantity given as text', (o) => ({ ...o, lines: [{ sku: 'A', quantity: '2', unitPrice: 4500 }] }), /lines\[0\]\.quantity/],
    ['a price with decimals', (o) => ({ ...o, lines: [{ sku: 'A', quantity: 1, unitPrice: 45.0001 }] }), /minor units/],
    ['a negative price', (o) => ({ ...o, lines: [{ sku: 'A', quantity: 1, unitPrice: -1 }] }), /cannot be negative/],
    ['no lines', (o) => ({ ...o, lines: [] }), /at least one line/],
    [
      'payments that do not add up to the lines',
      (o) => ({ ...o, payments: [{ method: 'CARD', amount: 100, reference: 'x' }] }),
      /payments add up to 100 but the lines total 4500/,
    ],
    ['a lower-case currency', (o) => ({ ...o, currency: 'eur' }), /ISO 4217/],
    [
      'a VAT rate given as a percentage with decimals',
      (o) => ({ ...o, lines: [{ sku: 'A', quantity: 1, unitPrice: 4500, vatRate: 20.5 }] }),
      /vatRate: is in basis points/,
    ],
    [
      'a VAT rate above 100 %',
      (o) => ({ ...o, lines: [{ sku: 'A', quantity: 1, unitPrice: 4500, vatRate: 10001 }] }),
      /at most 10000 basis points/,
    ],
    [
      'a line discount above the line',
      (o) => ({ ...o, lines: [{ sku: 'A', quantity: 1, unitPrice: 4500, discount: 4501 }] }),
      /discount 4501 is more than the line is worth/,
    ],
    [
      'order discounts above the lines',
      (o) => ({ ...o, discounts: [{ amount: 4000 }, { amount: 501 }] }),
      /discounts add up to 4501, more than the lines are worth/,
    ],
    ['a negative shipping charge', (o) => ({ ...o, shipping: { amount: -1 } }), /shipping amount cannot be negative/],
    ['a bad customer email', (o) => ({ ...o, customer: { email: 'nope', name: 'A' } }), /customer\.email/],
    ['thirdPartyManaged as a string', (o) => ({ ...o, thirdPartyManaged: 'yes' }), /thirdPartyManaged/],
  ];
  for (const [what, mutate, message] of bad) {
    it(`refuses ${what} with 400 and writes nothing`, async () => {
      const input = orderInput();
      const answer = await api.post('/orders', mutate(input));
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(answer.body.error)).toMatch(message);
      expect(await countOrders(input.channelOrderNo)).toBe(0);
    });
  }

  it('refuses a body that is not JSON with 400', async () => {
    const answer = await api.postRaw('/orders', '{"channel":');
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/not valid JSON/);
  });
});

describe('GET /orders', () => {
  it('filters by channel and status and searches by channel order number prefix', async () => {
    const prefix = unique('SRCH').toUpperCase();
    const a = await api.post('/orders', orderInput({ channelOrderNo: `${prefix}-1` }, 'amazon'));
    const b = await api.post('/orders', orderInput({ channelOrderNo: `${prefix}-2` }, 'ebay'));
    await api.post('/orders', orderInput({ channelOrderNo: `X${prefix}-3` }, 'ebay'));
    await api.post(`/orders/${b.body.id}/acknowledge`);

    const all = await api.get(`/orders?q=${prefix.toLowerCase()}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((o: { id: string }) => o.id).sort()).toEqual([a.body.id, b.body.id].sort());

    const ebay = await api.get(`/orders?q=${prefix}&channel=ebay`);
    expect(ebay.body.items.map((o: { id: string }) => o.id)).toEqual([b.body.id]);

    const inProgress = await api.get(`/orders?q=${prefix}&status=IN_PROGRESS`);
    expect(inProgress.body.items.map((o: { id: string }) => o.id)).toEqual([b.body.id]);

    const paged = await api.get(`/orders?q=${prefix}&limit=1&offset=1`);
    expect(paged.body.total).toBe(2);
    expect(paged.body.items).toHaveLength(1);
  });

  it('treats % and _ in the search as plain characters', async () => {
    const answer = await api.get('/orders?q=%25');
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(0);
  });

  it('refuses an unknown status, channel or a bad limit with 400', async () => {
    for (const query of ['status=LOST', 'channel=myspace', 'limit=0', 'limit=abc', 'offset=-1']) {
      const answer = await api.get(`/orders?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.message).toMatch(/^query is invalid/);
    }
  });
});

describe('GET /orders/:id', () => {
  it('answers 404 for an unknown id and for a malformed id', async () => {
    const unknown = await api.get('/orders/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/no order/);
    const malformed = await api.get('/orders/not-an-id');
    expect(malformed.status).toBe(404);
  });
});

describe('POST /orders/:id/acknowledge', () => {
  it('moves a NEW order to IN_PROGRESS once; acknowledging again changes nothing', async () => {
    const order = await api.post('/orders', orderInput());
    const first = await api.post(`/orders/${order.body.id}/acknowledge`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'IN_PROGRESS', acknowledged: true });
    const again = await api.post(`/orders/${order.body.id}/acknowledge`);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('IN_PROGRESS');
    const detail = await api.get(`/orders/${order.body.id}`);
    expect(detail.body.timeline.map((e: { type: string }) => e.type)).toEqual(['IMPORTED', 'ACKNOWLEDGED']);
  });

  it('refuses to acknowledge a shipped order with 422', async () => {
    const order = await api.post('/orders', orderInput());
    await service.db.em
      .fork()
      .execute(`update "orders"."order_line" set "shipped_quantity" = "quantity" where "order_id" = ?`, [order.body.id]);
    await service.db.em.fork().execute(`update "orders"."order" set "status" = 'SHIPPED' where "id" = ?`, [order.body.id]);
    const answer = await api.post(`/orders/${order.body.id}/acknowledge`);
    expect(answer.status).toBe(422);
    expect(answer.body.error.message).toMatch(/SHIPPED/);
  });

  it('answers 404 for an unknown order', async () => {
    expect((await api.post('/orders/00000000-0000-4000-8000-000000000000/acknowledge')).status).toBe(404);
  });
});
