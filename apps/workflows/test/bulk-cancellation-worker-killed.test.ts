// A workflows worker killed (SIGKILL) in the middle of a bulk cancellation loses nothing and
// repeats nothing: the job's process and each order's cancellation run in a worker process of
// their own here, which dies mid-job; another one takes over where the job's history left it.
// The system runs in a namespace of its own, so no other test file's worker can take the job: the
// killed process and the one started after it are the only workflows workers it has.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkCancellationBody } from '@cancelflow/domain';
import { eventually, importOrder, merchantToken, unique, type ApiClient, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { ensureNamespace } from '@cancelflow/infra/temporal-server';

const WORKFLOWS_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

let system: RunningSystem;
let merchant: ApiClient;
const merchantId = unique('m-bulk-killed');
const children: ChildProcess[] = [];
const namespace = unique('bulk-killed');

function startWorkflowsProcess(): ChildProcess {
  const child = spawn(process.execPath, [WORKFLOWS_MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: namespace,
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  await ensureNamespace(process.env.TEMPORAL_ADDRESS!, namespace, 1, () => undefined);
  system = await startSystem({ workflowsWorker: false, namespace });
  merchant = system.orders.withToken(await merchantToken(merchantId));
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await system?.close();
});

describe('a workflows worker killed mid-job', () => {
  it('the job goes on where it was after a SIGKILL: every order cancelled and refunded once', { timeout: 240_000 }, async () => {
    const first = startWorkflowsProcess();
    const sku = unique('KETTLE');
    const orders: OrderBody[] = [];
    for (let i = 0; i < 40; i += 1) {
      orders.push(
        await importOrder(system.orders, {
          merchantId,
          lines: [
            { sku, quantity: 1, unitPrice: 1500 },
            { sku: 'TEAPOT', quantity: 1, unitPrice: 3000 },
          ],
        }),
      );
    }
    const started = await merchant.post<BulkCancellationBody>('/bulk-cancellations', { sku, reason: 'DEFECTIVE' });
    expect(started.status).toBe(202);
    const job = async () => (await merchant.get<BulkCancellationBody>(`/bulk-cancellations/${started.body.id}`)).body;

    await eventually(async () => ((await job()).progress.processed > 0 ? true : undefined), {
      what: 'the job under way',
      timeoutMs: 90_000,
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await job()).progress.processed).toBeLessThan(40);
    startWorkflowsProcess();

    const ended = await eventually(
      async () => {
        const j = await job();
        return j.status === 'COMPLETED' ? j : undefined;
      },
      { what: 'the job to complete after the kill', timeoutMs: 150_000 },
    );
    expect(ended.progress).toEqual({ total: 40, processed: 40, cancelled: 40, refused: 0, skipped: 0, failed: 0 });

    const ids = orders.map((o) => o.id);
    const count = async (sql: string) => (await system.sql<{ n: number }>(sql, [ids]))[0]!.n;
    expect(await count(`select count(*)::int as n from "orders"."cancellation" where "order_id"::text in (?)`)).toBe(40);
    await eventually(
      async () =>
        (await count(`select count(*)::int as n from "orders"."cancellation" where "order_id"::text in (?) and "status" = 'CANCELLED'`)) ===
        40
          ? true
          : undefined,
      { what: 'the 40 cancellations CANCELLED', timeoutMs: 60_000 },
    );
    expect(await count(`select count(*)::int as n from "payments"."refund" where "order_id"::text in (?)`)).toBe(40);
    expect(await count(`select coalesce(sum("amount"), 0)::int as n from "payments"."refund" where "order_id"::text in (?)`)).toBe(
      40 * 1500,
    );
  });
});
