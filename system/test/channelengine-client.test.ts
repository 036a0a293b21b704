/**
 * An integration written for ChannelEngine works against CancelFlow unchanged: ChannelEngine's
 * official Python client (channelengine-merchant-api-client 2.13.0 from PyPI, unmodified) drives
 * the Merchant API v2 of a real system (the three services, the workflows, Temporal, PostgreSQL,
 * SMTP). The client parses every answer into its own models, which refuse keys and enum values
 * outside ChannelEngine's spec, so each call that comes back parsed proves the shape.
 *
 * The client is installed once per version into a virtualenv in the user's cache, outside the
 * repository (pip's cache beside it); only the package registry is reached.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, importOrder, unique, type OrderBody, merchantToken } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '../src/system.ts';

const run = promisify(execFile);
const CLIENT_VERSION = '2.13.0';
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cancelflow');
const venv = join(cache, `channelengine-client-${CLIENT_VERSION}`);
const python = join(venv, 'bin', 'python');
const harness = join(import.meta.dirname, 'channelengine', 'harness.py');

/** The client in its virtualenv, installed from PyPI the first time (the marker says it finished). */
async function ensureClient(): Promise<void> {
  const marker = join(venv, '.installed');
  if (existsSync(marker)) return;
  mkdirSync(cache, { recursive: true });
  if (!existsSync(python)) await run('python3', ['-m', 'venv', venv]);
  await run(
    join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `channelengine-merchant-api-client==${CLIENT_VERSION}`],
    {
      env: { ...process.env, PIP_CACHE_DIR: join(cache, 'pip') },
    },
  );
  writeFileSync(marker, `channelengine-merchant-api-client==${CLIENT_VERSION}\n`);
}

interface Envelope {
  Content?: Record<string, unknown>[];
  Count?: number;
  TotalCount?: number;
  ItemsPerPage?: number;
  StatusCode: number;
  Success: boolean;
  Message: string | null;
  ValidationErrors: Record<string, string[]> | null;
}
interface ClientAnswer {
  status?: number;
  body?: Envelope;
  error?: Envelope;
  clientError?: string;
  message?: string;
}

let system: RunningSystem;
const merchant = unique('m-ce');
const other = unique('m-ce-other');
let key: string;
let otherKey: string;
let keyId: string;

/** One call of the official client, as the integration would make it. */
async function client(call: string, args: Record<string, unknown> = {}, apiKey = key): Promise<ClientAnswer> {
  const { stdout } = await run(python, [harness, call, JSON.stringify(args)], {
    env: { ...process.env, CE_URL: `${system.orders.baseUrl}/api`, CE_KEY: apiKey },
  });
  const answer = JSON.parse(stdout) as ClientAnswer;
  if (answer.clientError)
    throw new Error(`the ChannelEngine client refused the answer to ${call}: ${answer.clientError}: ${answer.message}`);
  return answer;
}

/** A call that must succeed: its parsed envelope. */
async function ok(call: string, args: Record<string, unknown> = {}, status = 200, apiKey = key): Promise<Envelope> {
  const answer = await client(call, args, apiKey);
  expect(answer.error, `${call}: ${JSON.stringify(answer.error)}`).toBeUndefined();
  expect(answer.status).toBe(status);
  expect(answer.body).toMatchObject({ StatusCode: status, Success: true });
  return answer.body!;
}

/** A call that must be refused: ChannelEngine's error envelope. */
async function refused(call: string, args: Record<string, unknown>, status: number, apiKey = key): Promise<Envelope> {
  const answer = await client(call, args, apiKey);
  expect(answer.status, JSON.stringify(answer)).toBe(status);
  expect(answer.error).toMatchObject({ StatusCode: status, Success: false });
  expect(typeof answer.error!.Message).toBe('string');
  return answer.error!;
}

async function createKey(merchantId: string): Promise<{ id: string; key: string }> {
  const response = await system.orders
    .withToken(await merchantToken(merchantId))
    .post<{ id: string; key: string; prefix: string }>('/api-keys', { name: 'ERP' });
  expect(response.status).toBe(201);
  expect(response.body.key.startsWith(response.body.prefix)).toBe(true);
  return response.body;
}

const orderIdOf = (order: OrderBody, content: Record<string, unknown>[]) =>
  content.find((o) => (o.ExtraData as Record<string, string>).CancelFlowOrderId === order.id);
const rows = async () =>
  (
    await system.sql<{ n: number }>(
      `select (select count(*) from "orders"."cancellation" where "merchant_id" = ?) + (select count(*) from "orders"."shipment" s join "orders"."order" o on o."id" = s."order_id" where o."merchant_id" = ?) + (select count(*) from "orders"."return" where "merchant_id" = ?) as n`,
      [merchant, merchant, merchant],
    )
  )[0]!.n;

let order: OrderBody;
let requested: OrderBody;
let orderNo: string;
let cancellationNo: string;

beforeAll(async () => {
  await ensureClient();
  system = await startSystem();
  ({ id: keyId, key } = await createKey(merchant));
  ({ key: otherKey } = await createKey(other));
  // Real money: 21 % VAT, 5.00 off the teapot, 3.00 off the order, 4.95 shipping.
  order = await importOrder(system.orders, {
    merchantId: merchant,
    placedAt: '2026-11-30T09:00:00Z',
    lines: [
      { sku: 'MUG-BLUE', quantity: 2, unitPrice: 1250, vatRate: 2100 },
      { sku: 'TEAPOT', quantity: 1, unitPrice: 3000, vatRate: 2100, discount: 500 },
    ],
    discounts: [{ amount: 300, description: 'welcome' }],
    shipping: { amount: 495, vatRate: 2100 },
  });
  requested = await importOrder(system.orders, { merchantId: merchant });
  await importOrder(system.orders, { merchantId: other });
  orderNo = unique('SO');
  cancellationNo = unique('CE-C');
}, 300_000);

afterAll(async () => {
  await system?.close();
});

describe("ChannelEngine's official Python client against the Merchant API v2", () => {
  it("GET /v2/orders/new: the merchant's NEW orders, integer Ids, ChannelEngine's fields and statuses, extras in ExtraData", async () => {
    const page = await ok('orders_new');
    const mine = orderIdOf(order, page.Content!);
    // 25.00 + 30.00 - 5.00 - 3.00 (1.50 a line by the domain's allocation) = 47.00 of lines, + 4.95 shipping.
    expect(mine).toMatchObject({
      Status: 'NEW',
      ChannelOrderNo: order.channelOrderNo,
      CurrencyCode: 'EUR',
      Email: 'ada@example.com',
      MerchantOrderNo: null,
      SubTotalInclVat: 47,
      SubTotalVat: 8.16,
      ShippingCostsInclVat: 4.95,
      ShippingCostsVat: 0.86,
      TotalInclVat: 51.95,
      TotalVat: 9.02,
    });
    expect(Number.isInteger(mine!.Id)).toBe(true);
    expect(mine!.Lines).toEqual([
      expect.objectContaining({
        MerchantProductNo: 'MUG-BLUE',
        Quantity: 2,
        UnitPriceInclVat: 12.5,
        UnitVat: 2.17,
        LineTotalInclVat: 23.5,
        LineVat: 4.08,
        VatRate: 21,
        Status: 'NEW',
        CancellationRequestedQuantity: 0,
      }),
      expect.objectContaining({
        MerchantProductNo: 'TEAPOT',
        Quantity: 1,
        UnitPriceInclVat: 30,
        LineTotalInclVat: 23.5,
        VatRate: 21,
        Status: 'NEW',
      }),
    ]);
    expect(mine!.Lines).toEqual([
      expect.objectContaining({ ExtraData: expect.arrayContaining([{ Key: 'OrderDiscountShareInclVat', Value: '1.5' }]) }),
      expect.objectContaining({ ExtraData: expect.arrayContaining([{ Key: 'LineDiscountInclVat', Value: '5' }]) }),
    ]);
    expect(page).toMatchObject({ ItemsPerPage: 100, Count: page.Content!.length, ValidationErrors: {} });
    // The other merchant's order is not this key's.
    expect(
      page.Content!.every((o) => typeof o.Id === 'number' && (o.ExtraData as Record<string, string>).CancelFlowOrderId !== undefined),
    ).toBe(true);
    expect(page.TotalCount).toBe(2);
  });

  it("POST /v2/orders/acknowledge names the shop's number (NEW -> IN_PROGRESS); GET /v2/orders filters by repeated keys, naive dates and flags", async () => {
    const id = orderIdOf(order, (await ok('orders_new')).Content!)!.Id;
    await ok('acknowledge', { merchant_order_no: orderNo, order_id: id });
    // A retry is the same answer; another number for the same order is refused.
    await ok('acknowledge', { merchant_order_no: orderNo, order_id: id });
    const renamed = await refused('acknowledge', { merchant_order_no: unique('SO'), order_id: id }, 409);
    expect(renamed.ValidationErrors!.MerchantOrderNo).toBeDefined();
    const unknownOrder = await refused('acknowledge', { merchant_order_no: unique('SO'), order_id: 2_000_000_000 }, 404);
    expect(unknownOrder.ValidationErrors!.OrderId).toBeDefined();

    const found = await ok('orders_filter', {
      statuses: ['IN_PROGRESS', 'NEW'],
      merchant_order_nos: [orderNo, 'SO-nobody'],
      from_date: '2026-11-30T00:00:00',
      to_date: '2026-12-01T00:00:00',
      is_acknowledged: true,
    });
    expect(found.Content).toHaveLength(1);
    expect(found.Content![0]).toMatchObject({ Id: id, MerchantOrderNo: orderNo, Status: 'IN_PROGRESS' });
    expect(typeof found.Content![0]!.AcknowledgedDate).toBe('string');
    // The date range is the order date's: the day after finds nothing.
    expect((await ok('orders_filter', { merchant_order_nos: [orderNo], from_date: '2026-12-01T00:00:00' })).Content).toEqual([]);
    expect((await ok('orders_filter', { statuses: ['SHIPPED', 'CANCELED'], merchant_order_nos: [orderNo] })).Content).toEqual([]);
    const filtersWrong = await client('orders_filter', { page: 0 });
    expect(filtersWrong).toMatchObject({ status: 400, error: { Success: false, ValidationErrors: { page: [expect.any(String)] } } });
  });

  it('lines carry CancellationRequestedQuantity from an open customer request, and onlyWithCancellationRequests finds the order', async () => {
    const id = orderIdOf(requested, (await ok('orders_new')).Content!)!.Id;
    const requestedNo = unique('SO');
    await ok('acknowledge', { merchant_order_no: requestedNo, order_id: id });
    const request = await system.orders.post(`/orders/${requested.id}/cancellation-requests`, {
      lines: [{ lineId: requested.lines[0]!.id, quantity: 1 }],
    });
    expect(request.status).toBe(201);
    const found = await ok('orders_filter', { only_with_cancellation_requests: true, merchant_order_nos: [requestedNo, orderNo] });
    expect(found.Content).toHaveLength(1);
    expect(found.Content![0]!.Lines).toEqual([
      expect.objectContaining({ MerchantProductNo: 'MUG-BLUE', CancellationRequestedQuantity: 1 }),
      expect.objectContaining({ MerchantProductNo: 'TEAPOT', CancellationRequestedQuantity: 0 }),
    ]);
  });

  it('POST /v2/cancellations starts the cancellation process: refunded first, then CANCELLED, the customer emailed; GET /v2/cancellations/merchant lists it', async () => {
    const body = {
      merchant_cancellation_no: cancellationNo,
      merchant_order_no: orderNo,
      lines: [{ merchant_product_no: 'MUG-BLUE', quantity: 1 }],
      reason: 'the warehouse has one mug only',
      reason_code: 'NOT_IN_STOCK',
    };
    await ok('cancel', body, 201);
    // The same request again is a retry, answered as before.
    await ok('cancel', body, 200);
    const cancellation = await eventually(
      async () =>
        (
          await system.sql<{ id: string; status: string; reason: string; amount: string }>(
            `select "id", "status", "reason", "amount" from "orders"."cancellation" where "merchant_id" = ? and "merchant_cancellation_number" = ?`,
            [merchant, cancellationNo],
          )
        ).find((c) => c.status === 'CANCELLED'),
      { what: 'the cancellation CANCELLED', timeoutMs: 60_000 },
    );
    expect(cancellation).toMatchObject({ reason: 'OUT_OF_STOCK' });
    // One of two mugs that cost 23.50 after the order's discount share: 11.75, by the domain's refund rule.
    expect(Number(cancellation.amount)).toBe(1175);
    const refunds = await system.sql<{ amount: string }>(`select "amount" from "payments"."refund" where "cancellation_id" = ?`, [
      cancellation.id,
    ]);
    expect(refunds.map((r) => Number(r.amount))).toEqual([1175]);
    await eventually(
      async () =>
        (
          await system.sql(
            `select 1 from "notifications"."outbound_email" where "order_id" = ? and "template" = 'CANCELLATION_CONFIRMED'`,
            [order.id],
          )
        ).length > 0
          ? true
          : undefined,
      { what: 'the customer emailed' },
    );

    const listed = await ok('cancellations', { created_since: '2026-01-01T00:00:00', page: 1 });
    const mine = listed.Content!.filter((c) => c.MerchantCancellationNo === cancellationNo);
    expect(mine).toEqual([
      expect.objectContaining({
        MerchantOrderNo: orderNo,
        ChannelOrderNo: order.channelOrderNo,
        ReasonCode: 'NOT_IN_STOCK',
        Reason: 'the warehouse has one mug only',
        Lines: [expect.objectContaining({ MerchantProductNo: 'MUG-BLUE', Quantity: 1 })],
      }),
    ]);
    expect((await ok('orders_filter', { merchant_order_nos: [orderNo] })).Content![0]!.Lines).toEqual([
      expect.objectContaining({ MerchantProductNo: 'MUG-BLUE', Quantity: 2, Status: 'IN_PROGRESS' }),
      expect.objectContaining({ MerchantProductNo: 'TEAPOT', Status: 'IN_PROGRESS' }),
    ]);
  });

  it("refusals come in ChannelEngine's envelope with ValidationErrors by field, and write nothing: a reused MerchantCancellationNo, more than is open, an unknown product", async () => {
    const before = await rows();
    const reused = await refused(
      'cancel',
      {
        merchant_cancellation_no: cancellationNo,
        merchant_order_no: orderNo,
        lines: [{ merchant_product_no: 'TEAPOT', quantity: 1 }],
        reason_code: 'OTHER',
      },
      409,
    );
    expect(reused.Message).toContain(`MerchantCancellationNo ${cancellationNo} is already used`);
    expect(reused.ValidationErrors!.MerchantCancellationNo).toHaveLength(1);
    const tooMany = await refused(
      'cancel',
      {
        merchant_cancellation_no: unique('CE-C'),
        merchant_order_no: orderNo,
        lines: [
          { merchant_product_no: 'TEAPOT', quantity: 1 },
          { merchant_product_no: 'MUG-BLUE', quantity: 2 },
        ],
      },
      422,
    );
    expect(tooMany.Message).toContain('cannot cancel 2, only 1 of 2');
    expect(Object.keys(tooMany.ValidationErrors!)).toEqual(['Lines[1]']);
    const unknown = await refused(
      'cancel',
      { merchant_cancellation_no: unique('CE-C'), merchant_order_no: orderNo, lines: [{ merchant_product_no: 'KETTLE', quantity: 1 }] },
      400,
    );
    expect(unknown.ValidationErrors!['Lines[0].MerchantProductNo']).toBeDefined();
    const noOrder = await refused(
      'cancel',
      { merchant_cancellation_no: unique('CE-C'), merchant_order_no: 'SO-nobody', lines: [{ merchant_product_no: 'TEAPOT', quantity: 1 }] },
      404,
    );
    expect(noOrder.ValidationErrors!.MerchantOrderNo).toBeDefined();
    expect(await rows()).toBe(before);
  });

  it('POST /v2/shipments records the shipment; GET /v2/shipments/merchant lists it; shipped goods cannot be cancelled (a return)', async () => {
    const shipmentNo = unique('CE-S');
    const shipment = {
      merchant_shipment_no: shipmentNo,
      merchant_order_no: orderNo,
      lines: [
        { merchant_product_no: 'MUG-BLUE', quantity: 1 },
        { merchant_product_no: 'TEAPOT', quantity: 1 },
      ],
      track_trace_no: 'JJD000123',
      method: 'DHL',
      shipment_date: '2026-12-01T10:00:00',
    };
    await ok('ship', shipment, 201);
    await ok('ship', shipment, 200);
    const listed = await ok('shipments', { merchant_order_nos: [orderNo] });
    expect(listed.Content).toEqual([
      expect.objectContaining({
        MerchantShipmentNo: shipmentNo,
        MerchantOrderNo: orderNo,
        TrackTraceNo: 'JJD000123',
        Method: 'DHL',
        Lines: expect.arrayContaining([expect.objectContaining({ MerchantProductNo: 'TEAPOT', Quantity: 1, ShipmentStatus: 'SHIPPED' })]),
      }),
    ]);
    expect(String(listed.Content![0]!.ShipmentDate)).toMatch(/^2026-12-01T10:00:00/);
    expect((await ok('orders_filter', { merchant_order_nos: [orderNo] })).Content![0]).toMatchObject({ Status: 'SHIPPED' });

    const before = await rows();
    const shipped = await refused(
      'cancel',
      { merchant_cancellation_no: unique('CE-C'), merchant_order_no: orderNo, lines: [{ merchant_product_no: 'TEAPOT', quantity: 1 }] },
      422,
    );
    expect(shipped.Message).toMatch(/return/);
    const noCarrier = await refused(
      'ship',
      {
        merchant_shipment_no: unique('CE-S'),
        merchant_order_no: orderNo,
        lines: [{ merchant_product_no: 'TEAPOT', quantity: 1 }],
        track_trace_no: 'JJD9',
      },
      400,
    );
    expect(noCarrier.ValidationErrors!.Method).toBeDefined();
    expect(await rows()).toBe(before);
  });

  it('POST /v2/returns/merchant records a return of shipped goods; GET /v2/returns/merchant lists it with its integer Id and CANCELLED-style statuses', async () => {
    const returnNo = unique('CE-R');
    await ok(
      'return',
      {
        merchant_order_no: orderNo,
        merchant_return_no: returnNo,
        lines: [{ merchant_product_no: 'TEAPOT', quantity: 1 }],
        reason: 'PRODUCT_DEFECT',
        customer_comment: 'the lid is cracked',
      },
      201,
    );
    const reused = await refused(
      'return',
      {
        merchant_order_no: orderNo,
        merchant_return_no: returnNo,
        lines: [{ merchant_product_no: 'MUG-BLUE', quantity: 1 }],
        reason: 'OTHER',
      },
      409,
    );
    expect(reused.ValidationErrors!.MerchantReturnNo).toBeDefined();
    const listed = await ok('returns', { merchant_order_nos: [orderNo], statuses: ['IN_PROGRESS'] });
    expect(listed.Content).toEqual([
      expect.objectContaining({
        MerchantReturnNo: returnNo,
        MerchantOrderNo: orderNo,
        Status: 'IN_PROGRESS',
        Reason: 'PRODUCT_DEFECT',
        CustomerComment: 'the lid is cracked',
        Lines: [expect.objectContaining({ MerchantProductNo: 'TEAPOT', Quantity: 1 })],
      }),
    ]);
    expect(Number.isInteger(listed.Content![0]!.Id)).toBe(true);
    expect((await ok('returns', { merchant_order_nos: [orderNo], statuses: ['CANCELLED'] })).Content).toEqual([]);
  });

  it("a key sees its merchant only: another merchant's key finds none of its orders and cannot act on them", async () => {
    const seen = await ok('orders_filter', { merchant_order_nos: [orderNo] }, 200, otherKey);
    expect(seen.Content).toEqual([]);
    expect(
      (await ok('orders_new', {}, 200, otherKey)).Content!.map((o) => (o.ExtraData as Record<string, string>).CancelFlowOrderId),
    ).not.toContain(requested.id);
    const before = await rows();
    await refused(
      'cancel',
      { merchant_cancellation_no: unique('CE-C'), merchant_order_no: orderNo, lines: [{ merchant_product_no: 'MUG-BLUE', quantity: 1 }] },
      404,
      otherKey,
    );
    await refused(
      'return',
      { merchant_order_no: orderNo, merchant_return_no: unique('CE-R'), lines: [{ merchant_product_no: 'MUG-BLUE', quantity: 1 }] },
      404,
      otherKey,
    );
    expect(await rows()).toBe(before);
  });

  it("an unknown key is 401 in ChannelEngine's envelope; X-CE-KEY works like apikey; a key opens no native route; a revoked key stops at once", async () => {
    const unknown = await refused('orders_new', {}, 401, `cfk_${'x'.repeat(43)}`);
    expect(unknown.Message).toMatch(/API key is not valid/);
    const url = `${system.orders.baseUrl}/api/v2/orders?merchantOrderNos=${encodeURIComponent(orderNo)}`;
    const byHeader = await fetch(url, { headers: { 'x-ce-key': key } });
    expect(byHeader.status).toBe(200);
    expect(await byHeader.json()).toMatchObject({ Success: true, Count: 1 });
    expect((await fetch(`${system.orders.baseUrl}/orders/${order.id}`, { headers: { 'x-ce-key': key } })).status).toBe(401);
    expect((await fetch(`${system.orders.baseUrl}/orders/${order.id}?apikey=${key}`)).status).toBe(401);

    const listed = await system.orders
      .withToken(await merchantToken(merchant))
      .get<{ items: { id: string; prefix: string; status: string }[] }>('/api-keys');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: keyId, status: 'ACTIVE' })]);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    const revoke = await fetch(`${system.orders.baseUrl}/api-keys/${keyId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await merchantToken(merchant)}` },
    });
    expect(revoke.status).toBe(200);
    expect(await revoke.json()).toMatchObject({ id: keyId, status: 'REVOKED' });
    await refused('orders_new', {}, 401);
    const stored = await system.sql<{ key_hash: string }>(`select "key_hash" from "orders"."api_key" where "id" = ?`, [keyId]);
    expect(stored[0]!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored[0]!.key_hash).not.toContain(key);
  });
});
