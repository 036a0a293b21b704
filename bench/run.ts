/**
 * `npm run bench`: N orders imported, N cancellations started at once, measured until all are
 * CANCELLED; then, as the floor, N bare workflows running the same number of no-op activities
 * on the same Temporal server in the same run. Figures go to bench/results/latest.json.
 *
 *   BENCH_ORDERS=500  how many orders / cancellations / baseline workflows (default 500)
 *   BENCH_CONCURRENCY how many POSTs are in flight at once (default: all of them)
 *   SANDBOX_CARD_SETTLE_MS how long the sandbox card refund takes to settle (default 0 here)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { startPostgres } from '@cancelflow/infra/postgres';
import { startTemporalDevServer } from '@cancelflow/infra/temporal-dev-server';
import { importOrder, unique, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import * as baselineActivities from './src/baseline-activities.ts';
import { migrateAll } from './src/migrate.ts';
import { summarize, type LatencySummary } from './src/stats.ts';

const N = positiveInt('BENCH_ORDERS', 500);
const CONCURRENCY = positiveInt('BENCH_CONCURRENCY', N);
const say = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const silent = () => undefined;
const quietBundlerLogger = {
  log: silent,
  trace: silent,
  debug: silent,
  info: silent,
  warn: silent,
  error: (m: string) => console.error(m),
};

const temporal = await startTemporalDevServer({ uiPort: false, log: () => undefined });
const postgres = await startPostgres({ log: () => undefined });
await migrateAll(postgres.url);
const system = await startSystem({
  databaseUrl: postgres.url,
  temporalAddress: temporal.address,
  env: { SANDBOX_CARD_SETTLE_MS: process.env.SANDBOX_CARD_SETTLE_MS ?? '0', LOG_LEVEL: 'warn' },
});

try {
  const memoryBefore = process.memoryUsage();
  say(`importing ${N} orders`);
  const orders = await inBatches(N, CONCURRENCY, (i) => importOrder(system.orders, { channelOrderNo: `BENCH-${i}-${unique('o')}` }));

  say(`starting ${N} cancellations at once (${CONCURRENCY} in flight)`);
  const cancellations = await measureCancellations(system, orders);
  const activityCount = await activitiesOfOneCancellation(system, cancellations.workflowIds[0]!);
  const memoryAfter = process.memoryUsage();

  say(`baseline: ${N} bare workflows with ${activityCount} no-op activities each`);
  const baseline = await measureBaseline(temporal.address, activityCount);

  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    settings: { orders: N, concurrency: CONCURRENCY, sandboxCardSettleMs: Number(process.env.SANDBOX_CARD_SETTLE_MS ?? 0) },
    note: 'one process runs the three services, their workers and the workflow worker, as startSystem does; Temporal is the CLI dev server (SQLite in memory), PostgreSQL is embedded',
    cancellations: {
      throughputPerSecond: round(N / (cancellations.wallMs / 1000)),
      wallMs: Math.round(cancellations.wallMs),
      latencyPostToCancelled: cancellations.latency,
      activitiesPerCancellation: activityCount,
      memory: {
        rssMiB: mib(memoryAfter.rss),
        heapUsedMiB: mib(memoryAfter.heapUsed),
        rssGrowthMiB: mib(memoryAfter.rss - memoryBefore.rss),
      },
    },
    baseline: {
      throughputPerSecond: round(N / (baseline.wallMs / 1000)),
      wallMs: Math.round(baseline.wallMs),
      latencyStartToCompleted: baseline.latency,
    },
  };
  const file = fileURLToPath(new URL('./results/latest.json', import.meta.url));
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  say(`written to bench/results/latest.json`);
} finally {
  await system.close();
  await temporal.stop();
  await postgres.stop();
}

async function measureCancellations(system: RunningSystem, orders: OrderBody[]) {
  const sentAt = new Map<string, number>();
  const started = performance.now();
  const accepted = await inBatches(orders.length, CONCURRENCY, async (i) => {
    const order = orders[i]!;
    const postedAt = Date.now();
    const response = await system.orders.post<{ cancellationId: string; workflowId: string }>(`/orders/${order.id}/cancellations`, {
      lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: `BENCH-${i}-${unique('c')}`,
    });
    if (response.status !== 202) throw new Error(`cancellation answered ${response.status}: ${JSON.stringify(response.body)}`);
    sentAt.set(response.body.cancellationId, postedAt);
    return response.body;
  });
  // Waiting on the workflows' results costs the API nothing; CANCELLED is then read once each.
  await Promise.all(accepted.map((a) => system.temporal.workflow.getHandle(a.workflowId).result()));
  const wallMs = performance.now() - started;
  const latencies = await inBatches(accepted.length, 50, async (i) => {
    const { cancellationId } = accepted[i]!;
    const c = await system.orders.get<{ status: string; completedAt?: string }>(`/cancellations/${cancellationId}`);
    if (c.body.status !== 'CANCELLED' || !c.body.completedAt) throw new Error(`cancellation ${cancellationId} is ${c.body.status}`);
    return Date.parse(c.body.completedAt) - sentAt.get(cancellationId)!;
  });
  return { wallMs, latency: summarize(latencies), workflowIds: accepted.map((a) => a.workflowId) };
}

async function activitiesOfOneCancellation(system: RunningSystem, workflowId: string): Promise<number> {
  const history = await system.temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
}

async function measureBaseline(address: string, activityCount: number): Promise<{ wallMs: number; latency: LatencySummary }> {
  const taskQueue = unique('bench-baseline');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./src/baseline-workflow.ts', import.meta.url)),
      logger: quietBundlerLogger,
    }),
    activities: baselineActivities,
  });
  const running = worker.run();
  try {
    const started = performance.now();
    const latencies = await inBatches(N, CONCURRENCY, async (i) => {
      const t0 = performance.now();
      await system.temporal.workflow.execute('baselineWorkflow', {
        taskQueue,
        workflowId: `${taskQueue}-${i}`,
        args: [activityCount],
      });
      return performance.now() - t0;
    });
    return { wallMs: performance.now() - started, latency: summarize(latencies) };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

/** Runs `task(i)` for i in [0, count) with at most `width` in flight, keeping the order of results. */
async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(lanes);
  return results;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number of at least 1, got "${raw}"`);
  return value;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function mib(bytes: number): number {
  return Math.round(bytes / 2 ** 20);
}
