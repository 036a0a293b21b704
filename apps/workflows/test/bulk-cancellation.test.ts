// A bulk cancellation through the whole system: the order service's API, its activities, the
// job's and each cancellation's processes, the payment service's refunds, on real Temporal and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, importOrder, merchantToken, unique, type ApiClient, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import type { BulkCancellationBody, BulkCancellationDryRun, BulkCancellationPage } from '@cancelflow/domain';
import { bulkCancellationWorkflowId, type BulkCancellationInput } from '../src/contracts/bulk-cancellation.ts';
import { TASK_QUEUES } from '@cancelflow/domain/activities';

let system: RunningSystem;
let merchant: ApiClient;
let merchantBearer: string;
const merchantId = unique('m-bulk');

beforeAll(async () => {
  system = await startSystem();
  merchantBearer = await merchantToken(merchantId);
  merchant = system.orders.withToken(merchantBearer);
}, 120_000);

afterAll(async () => {
  await system?.close();
});

const order = (sku: string, overrides: Parameters<typeof importOrder>[1] = {}) =>
  importOrder(system.orders, {
    merchantId,
    lines: [
      { sku, quantity: 2, unitPrice: 1250 },
      { sku: 'TEAPOT', quantity: 1, unitPrice: 3000 },
    ],
    ...overrides,
  });

const job = async (id: string) => (await merchant.get<BulkCancellationBody>(`/bulk-cancellations/${id}`)).body;

const untilEnded = (id: string) =>
  eventually(
    async () => {
      const j = await job(id);
      return j.status === 'COMPLETED' || j.status === 'STOPPED' ? j : undefined;
    },
    { what: `bulk cancellation ${id} to end`, timeoutMs: 90_000 },
  );

const refundsOf = (orderIds: string[]) =>
  system.sql<{ order_id: string; n: number }>(
    `select "order_id", count(*)::int as n from "payments"."refund" where "order_id"::text in (?) group by "order_id"`,
    [orderIds],
  );

/** Posts a file as text/csv, the options in the query string. */
async function postCsv(path: string, csv: string, query = '') {
  const response = await fetch(`${system.orders.baseUrl}${path}${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${merchantBearer}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('a merchant cancels every open unit of a SKU across its orders, each through the normal cancellation', () => {
  it('dry run first, then the job: each order cancelled and refunded once, even when the job is started again', async () => {
    const sku = unique('MUG');
    const orders: OrderBody[] = [];
    for (let i = 0; i < 20; i += 1) orders.push(await order(sku));
    const ids = orders.map((o) => o.id);

    const dryRun = await merchant.post<BulkCancellationDryRun>('/bulk-cancellations/dry-run', { sku, reason: 'OUT_OF_STOCK' });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.totals).toMatchObject({ orders: 20, wouldCancel: 20, units: 40, refused: 0, skipped: 0 });
    expect(dryRun.body.totals.refunds).toEqual([{ currency: 'EUR', amount: 20 * 2500 }]);
    expect(await system.sql(`select 1 from "orders"."bulk_cancellation" where "id" = ?`, [dryRun.body.jobId])).toEqual([]);

    const body = { jobId: dryRun.body.jobId, sku, reason: 'OUT_OF_STOCK', restock: true };
    const started = await merchant.post<BulkCancellationBody>('/bulk-cancellations', body);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: dryRun.body.jobId, merchantId, source: 'SKU', status: 'RUNNING' });
    // The same job again (a double click, a retry): the same job, not a second one.
    const twice = await merchant.post<BulkCancellationBody>('/bulk-cancellations', body);
    expect(twice.status).toBe(200);
    expect(twice.body.id).toBe(started.body.id);

    const ended = await untilEnded(started.body.id);
    expect(ended.status).toBe('COMPLETED');
    expect(ended.progress).toEqual({ total: 20, processed: 20, cancelled: 20, refused: 0, skipped: 0, failed: 0 });

    // Its process started once more after it ended (by anyone with the Temporal client): nothing is cancelled again.
    const rerun = await system.temporal.workflow.start('bulkCancellationWorkflow', {
      taskQueue: TASK_QUEUES.cancellations,
      workflowId: bulkCancellationWorkflowId(started.body.id),
      args: [{ jobId: started.body.id } satisfies BulkCancellationInput],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    await rerun.result();
    // And asked for again through the API after it ended: still the same job, nothing more.
    expect((await merchant.post('/bulk-cancellations', body)).status).toBe(200);

    await eventually(
      async () => {
        const rows = await system.sql<{ status: string }>(
          `select "status" from "orders"."cancellation" where "order_id"::text in (?) and "status" = 'CANCELLED'`,
          [ids],
        );
        return rows.length === 20 ? true : undefined;
      },
      { what: 'the 20 cancellations CANCELLED', timeoutMs: 60_000 },
    );
    const cancellations = await system.sql<{ n: number }>(
      `select count(*)::int as n from "orders"."cancellation" where "order_id"::text in (?)`,
      [ids],
    );
    expect(cancellations[0]!.n).toBe(20);
    const refunds = await refundsOf(ids);
    expect(refunds).toHaveLength(20);
    expect(refunds.every((r) => r.n === 1)).toBe(true);
    const refunded = await system.sql<{ total: number }>(
      `select coalesce(sum("amount"), 0)::int as total from "payments"."refund" where "order_id"::text in (?)`,
      [ids],
    );
    expect(refunded[0]!.total).toBe(20 * 2500);

    // The result: one row per order, each CANCELLED with its cancellation.
    const result = await fetch(`${system.orders.baseUrl}/bulk-cancellations/${started.body.id}/result`, {
      headers: { authorization: `Bearer ${merchantBearer}` },
    });
    expect(result.headers.get('content-type')).toContain('text/csv');
    const lines = (await result.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'itemNo,channel,channelOrderNo,sku,quantity,reason,outcome,cancelledQuantity,cancellationId,cancellationStatus,refund,currency,detail',
    );
    expect(lines).toHaveLength(21);
    expect(lines.slice(1).every((l) => l.includes(',CANCELLED,2,') && l.includes(',CANCELLED,2500,EUR,'))).toBe(true);
  }, 180_000);

  it('the workflows worker replaced mid-job: the job goes on where it was, each order refunded once', async () => {
    const sku = unique('BOWL');
    const orders: OrderBody[] = [];
    for (let i = 0; i < 12; i += 1) orders.push(await order(sku));
    const started = await merchant.post<BulkCancellationBody>('/bulk-cancellations', { sku, reason: 'DEFECTIVE' });
    expect(started.status).toBe(202);
    await eventually(async () => ((await job(started.body.id)).progress.processed > 0 ? true : undefined), { what: 'the job under way' });
    await system.restartCancellationsWorker();
    const ended = await untilEnded(started.body.id);
    expect(ended.progress).toMatchObject({ total: 12, processed: 12, cancelled: 12 });
    const ids = orders.map((o) => o.id);
    await eventually(async () => ((await refundsOf(ids)).length === 12 ? true : undefined), { what: '12 refunds', timeoutMs: 60_000 });
    expect((await refundsOf(ids)).every((r) => r.n === 1)).toBe(true);
  }, 180_000);

  it("another merchant's job is not found, exactly like a missing one", async () => {
    const sku = unique('LAMP');
    await order(sku);
    const started = await merchant.post<BulkCancellationBody>('/bulk-cancellations', { sku, reason: 'DEFECTIVE' });
    expect(started.status).toBe(202);
    const intruder = system.orders.withToken(await merchantToken(unique('m-other')));
    expect((await intruder.get(`/bulk-cancellations/${started.body.id}`)).status).toBe(404);
    expect((await intruder.post(`/bulk-cancellations/${started.body.id}/pause`, {})).status).toBe(404);
    expect((await intruder.get(`/bulk-cancellations/${randomUUID()}`)).status).toBe(404);
    await untilEnded(started.body.id);
  }, 120_000);
});

describe('a merchant steers its jobs and finds them again', () => {
  it('pause and stop say who did it; the list shows the merchant its own jobs, support any merchant it names', async () => {
    const sku = unique('VASE');
    for (let i = 0; i < 30; i += 1) await order(sku);
    const started = await merchant.post<BulkCancellationBody>('/bulk-cancellations', { sku, reason: 'DEFECTIVE' });
    expect(started.status).toBe(202);
    const id = started.body.id;

    expect((await merchant.post(`/bulk-cancellations/${id}/pause`, { staffId: 'anna' })).status).toBe(200);
    const paused = await eventually(async () => {
      const j = await job(id);
      return j.status === 'PAUSED' ? j : undefined;
    });
    expect(paused).toMatchObject({ statusChangedBy: 'anna', statusChangedAt: expect.any(String) });

    // Without a staffId, the token's subject is who stopped it.
    expect((await merchant.post(`/bulk-cancellations/${id}/stop`, {})).status).toBe(200);
    const stopped = await untilEnded(id);
    expect(stopped).toMatchObject({ status: 'STOPPED', statusChangedBy: `staff-of-${merchantId}` });

    const mine = await merchant.get<BulkCancellationPage>('/bulk-cancellations?status=STOPPED');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((j) => j.id)).toContain(id);
    expect(mine.body.items.every((j) => j.merchantId === merchantId && j.status === 'STOPPED')).toBe(true);
    expect(mine.body.items.find((j) => j.id === id)).toMatchObject({ sku, statusChangedBy: `staff-of-${merchantId}` });
    const bySku = await merchant.get<BulkCancellationPage>(`/bulk-cancellations?sku=${sku}`);
    expect(bySku.body).toMatchObject({ total: 1, items: [{ id, progress: { total: 30 } }] });

    const intruder = system.orders.withToken(await merchantToken(unique('m-other')));
    expect((await intruder.get<BulkCancellationPage>('/bulk-cancellations')).body.items).toEqual([]);
    expect((await intruder.get<BulkCancellationPage>(`/bulk-cancellations?merchantId=${merchantId}`)).body.items).toEqual([]);
    const support = await system.orders.get<BulkCancellationPage>(`/bulk-cancellations?merchantId=${merchantId}&sku=${sku}`);
    expect(support.body.items.map((j) => j.id)).toEqual([id]);
  }, 180_000);

  it.each([
    ['a status it does not have', 'status=HALTED', 'status: must be one of RUNNING, PAUSED, STOPPED, COMPLETED'],
    ['a page of nothing', 'limit=0', 'limit: is at least 1'],
    ['a negative offset', 'offset=-1', 'offset'],
  ])('GET /bulk-cancellations refuses %s with 400', async (_what, query, message) => {
    const res = await merchant.get<{ error: { message: string } }>(`/bulk-cancellations?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });
});

describe('a merchant uploads a file of rows', () => {
  it('a file with bad rows is refused naming each row by its line, and nothing starts', async () => {
    const sku = unique('VASE');
    const a = await order(sku);
    const csv = [
      'channelOrderNo,sku,quantity,reason',
      `${a.channelOrderNo},${sku},1,OUT_OF_STOCK`,
      `NO-SUCH-ORDER,${sku},1,OUT_OF_STOCK`,
      `${a.channelOrderNo},${sku},zero,OUT_OF_STOCK`,
      `${a.channelOrderNo},OTHER-SKU,1,SOLD_OUT`,
    ].join('\n');
    const before = await system.sql<{ n: number }>(`select count(*)::int as n from "orders"."bulk_cancellation" where "merchant_id" = ?`, [
      merchantId,
    ]);
    const answer = await postCsv('/bulk-cancellations', csv);
    expect(answer.status).toBe(400);
    const error = answer.body.error as { details: { path: string; message: string }[] };
    expect(error.details.map((d) => d.path)).toEqual(['line 3.channelOrderNo', 'line 4.quantity', 'line 5.reason']);
    const after = await system.sql<{ n: number }>(`select count(*)::int as n from "orders"."bulk_cancellation" where "merchant_id" = ?`, [
      merchantId,
    ]);
    expect(after[0]!.n).toBe(before[0]!.n);
    // A file that is not CSV at all, or without the header, is refused too.
    expect((await postCsv('/bulk-cancellations', 'sku;quantity\nA;1')).status).toBe(400);
    expect((await postCsv('/bulk-cancellations/dry-run', `${a.channelOrderNo},"${sku},1,OUT_OF_STOCK`)).status).toBe(400);
  });

  it('cancels what each row asks with its reason; what is shipped is skipped, what the channel refuses is refused, with the reasons', async () => {
    const sku = unique('CHAIR');
    const open = await order(sku);
    const shipped = await order(sku);
    const walmart = await order(sku, { channel: 'walmart', channelOrderNo: unique('WM') });
    const shipment = await system.orders.post(`/orders/${shipped.id}/shipments`, {
      lines: [{ lineId: shipped.lines[0]!.id, quantity: 2 }],
      carrier: 'DHL',
      trackingNumber: unique('JJD'),
      shipmentNumber: unique('S'),
    });
    expect(shipment.status).toBe(201);
    const csv = [
      'channelOrderNo,sku,quantity,reason',
      `${open.channelOrderNo},${sku},1,DEFECTIVE`,
      `${shipped.channelOrderNo},${sku},2,DEFECTIVE`,
      `${walmart.channelOrderNo},${sku},1,DEFECTIVE`,
    ].join('\r\n');

    const dryRun = await postCsv('/bulk-cancellations/dry-run', csv);
    expect(dryRun.status).toBe(200);
    const planned = (dryRun.body as unknown as BulkCancellationDryRun).items.map((i) => [i.channelOrderNo, i.outcome, i.refund]);
    expect(planned).toEqual([
      [open.channelOrderNo, 'WOULD_CANCEL', 1250],
      [shipped.channelOrderNo, 'SKIPPED', undefined],
      [walmart.channelOrderNo, 'REFUSED', undefined],
    ]);

    const started = await postCsv('/bulk-cancellations', csv, `?jobId=${(dryRun.body as { jobId: string }).jobId}&restock=true`);
    expect(started.status).toBe(202);
    const ended = await untilEnded(started.body.id as string);
    expect(ended.progress).toEqual({ total: 3, processed: 3, cancelled: 1, refused: 1, skipped: 1, failed: 0 });
    const result = await (
      await fetch(`${system.orders.baseUrl}/bulk-cancellations/${ended.id}/result`, {
        headers: { authorization: `Bearer ${merchantBearer}` },
      })
    ).text();
    const rows = result.trim().split('\r\n').slice(1);
    expect(rows[0]).toContain(`,${open.channelOrderNo},${sku},1,DEFECTIVE,CANCELLED,1,`);
    expect(rows[1]).toContain(`,${shipped.channelOrderNo},${sku},2,DEFECTIVE,SKIPPED,0,`);
    expect(rows[1]).toContain('no unit of');
    expect(rows[1]).toContain('2 shipped');
    expect(rows[2]).toContain(`,${walmart.channelOrderNo},${sku},1,DEFECTIVE,REFUSED,0,`);
    expect(rows[2]).toContain('whole lines only');
  }, 120_000);
});
