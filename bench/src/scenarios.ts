// What the bench does to the system: cancellations all at once, one at a time, at fixed arrival
// rates; the floor of bare workflows; reads at a constant rate (Vegeta). Latency of a cancellation is from
// just before its POST to the completedAt the order service records when it becomes CANCELLED.

import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { defaultTokenFor, importOrder, unique, type OrderBody } from '@cancelflow/testing';
import * as baselineActivities from './baseline-activities.ts';
import type { BenchSystem } from './systems.ts';
import { summarize, type LatencySummary } from './stats.ts';
import { attack, type AttackFigures } from './vegeta.ts';

export interface Accepted {
  cancellationId: string;
  workflowId: string;
  postedAt: number;
}

export interface Settled extends Accepted {
  completedAt: number;
  latencyMs: number;
}

export async function importOrders(system: BenchSystem, count: number, width: number): Promise<OrderBody[]> {
  return inBatches(count, width, (i) => importOrder(system.orders, { channelOrderNo: `BENCH-${i}-${unique('o')}` }));
}

/** POST /orders/:id/cancellations for every line; resolves with the 202's ids. */
export async function cancel(system: BenchSystem, order: OrderBody): Promise<Accepted> {
  const postedAt = Date.now();
  const response = await system.orders.post<{ cancellationId: string; workflowId: string }>(`/orders/${order.id}/cancellations`, {
    lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })),
    reason: 'OUT_OF_STOCK',
    merchantCancellationNumber: unique('BENCH'),
  });
  if (response.status !== 202) throw new Error(`cancellation answered ${response.status}: ${JSON.stringify(response.body)}`);
  return { ...response.body, postedAt };
}

/** Waits for the workflow (costs the API nothing), then reads when the cancellation became CANCELLED. */
export async function settled(system: BenchSystem, accepted: Accepted): Promise<Settled> {
  await system.temporal.workflow.getHandle(accepted.workflowId).result();
  const c = await system.orders.get<{ status: string; completedAt?: string }>(`/cancellations/${accepted.cancellationId}`);
  if (c.body.status !== 'CANCELLED' || !c.body.completedAt) throw new Error(`cancellation ${accepted.cancellationId} is ${c.body.status}`);
  const completedAt = Date.parse(c.body.completedAt);
  return { ...accepted, completedAt, latencyMs: completedAt - accepted.postedAt };
}

export interface BurstFigures {
  count: number;
  throughputPerSecond: number;
  wallMs: number;
  latencyPostToCancelled: LatencySummary;
  workflowIds: string[];
  cancellationIds: string[];
}

/** Every order cancelled at once (at most `width` POSTs in flight), until all are CANCELLED. */
export async function burst(system: BenchSystem, orders: OrderBody[], width: number): Promise<BurstFigures> {
  const started = performance.now();
  const accepted = await inBatches(orders.length, width, (i) => cancel(system, orders[i]!));
  await Promise.all(accepted.map((a) => system.temporal.workflow.getHandle(a.workflowId).result()));
  const wallMs = performance.now() - started;
  const done = await inBatches(accepted.length, 20, (i) => settled(system, accepted[i]!));
  return {
    count: orders.length,
    throughputPerSecond: round(orders.length / (wallMs / 1000)),
    wallMs: Math.round(wallMs),
    latencyPostToCancelled: summarize(done.map((d) => d.latencyMs)),
    workflowIds: accepted.map((a) => a.workflowId),
    cancellationIds: accepted.map((a) => a.cancellationId),
  };
}

/** One cancellation at a time on a quiet system: each waits for the one before to be CANCELLED. */
export async function oneAtATime(system: BenchSystem, orders: OrderBody[]): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (const order of orders) latencies.push((await settled(system, await cancel(system, order))).latencyMs);
  return summarize(latencies);
}

export interface RateFigures {
  ratePerSecond: number;
  seconds: number;
  arrivals: number;
  /** Arrivals per second actually sent (the bench shares the machine). */
  sentPerSecond: number;
  latencyPostToCancelled: LatencySummary;
  /** Cancellations posted but not yet CANCELLED when the last arrival was sent. */
  backlogAtEnd: number;
  /** The most cancellations in flight at any whole second of the run. */
  backlogPeak: number;
  /** From the last arrival until every cancellation of the rate was CANCELLED. */
  drainMs: number;
}

/**
 * Open loop: arrivals at a fixed rate whatever the system's pace, so a slow system shows as a
 * growing backlog and latency, not as a slower load generator.
 */
export async function atRate(system: BenchSystem, orders: OrderBody[], ratePerSecond: number, seconds: number): Promise<RateFigures> {
  const count = Math.round(ratePerSecond * seconds);
  if (orders.length < count) throw new Error(`rate ${ratePerSecond}/s for ${seconds} s needs ${count} orders, got ${orders.length}`);
  const started = Date.now();
  const inFlight: Promise<Settled>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(cancel(system, orders[i]!).then((a) => settled(system, a)));
  }
  const lastSentAt = Date.now();
  const done = await Promise.all(inFlight);
  const drainedAt = Math.max(...done.map((d) => d.completedAt));
  let backlogPeak = 0;
  for (let t = started; t <= drainedAt; t += 1000) {
    backlogPeak = Math.max(backlogPeak, done.filter((d) => d.postedAt <= t && d.completedAt > t).length);
  }
  const backlogAtEnd = done.filter((d) => d.completedAt > lastSentAt).length;
  return {
    ratePerSecond,
    seconds,
    arrivals: count,
    sentPerSecond: round(count / ((lastSentAt - started) / 1000 + 1 / ratePerSecond)),
    latencyPostToCancelled: summarize(done.map((d) => d.latencyMs)),
    backlogAtEnd,
    // The whole seconds miss the moment of the last arrival.
    backlogPeak: Math.max(backlogPeak, backlogAtEnd),
    drainMs: Math.max(0, drainedAt - lastSentAt),
  };
}

export interface ReadFigures extends AttackFigures {
  path: string;
  ratePerSecond: number;
  seconds: number;
  warmupSeconds: number;
}

const READ_WARMUP_SECONDS = 3;

/** GET of `paths` (in turn) at a constant overall rate with Vegeta, as the support staff, after a few seconds of the same unmeasured. */
export async function reads(
  vegeta: string,
  baseUrl: string,
  label: string,
  paths: string[],
  ratePerSecond: number,
  seconds: number,
): Promise<ReadFigures> {
  const token = await defaultTokenFor('GET', paths[0]!);
  const load = (duration: number) =>
    attack(vegeta, {
      urls: paths.map((path) => `${baseUrl}${path}`),
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      ratePerSecond,
      seconds: duration,
    });
  // Unmeasured first: the route's code compiled, the pools' connections open, the rows cached.
  await load(READ_WARMUP_SECONDS);
  return { path: label, ratePerSecond, seconds, warmupSeconds: READ_WARMUP_SECONDS, ...(await load(seconds)) };
}

export interface FloorFigures {
  count: number;
  activities: number;
  throughputPerSecond: number;
  wallMs: number;
  latencyStartToCompleted: LatencySummary;
}

const silent = () => undefined;
const quietBundlerLogger = {
  log: silent,
  trace: silent,
  debug: silent,
  info: silent,
  warn: silent,
  error: (m: string) => console.error(m),
};

/**
 * The floor: `count` bare workflows of `activities` no-op activities each, started at once on
 * the same Temporal server, with a worker of SDK defaults in the bench's process.
 */
export async function floor(temporal: Client, address: string, count: number, activities: number, width: number): Promise<FloorFigures> {
  const taskQueue = unique('bench-floor');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./baseline-workflow.ts', import.meta.url)),
      logger: quietBundlerLogger,
    }),
    activities: baselineActivities,
  });
  const running = worker.run();
  try {
    const started = performance.now();
    const latencies = await inBatches(count, width, async (i) => {
      const t0 = performance.now();
      await temporal.workflow.execute('baselineWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}`, args: [activities] });
      return performance.now() - t0;
    });
    const wallMs = performance.now() - started;
    return {
      count,
      activities,
      throughputPerSecond: round(count / (wallMs / 1000)),
      wallMs: Math.round(wallMs),
      latencyStartToCompleted: summarize(latencies),
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

export async function activitiesOfOneCancellation(temporal: Client, workflowId: string): Promise<number> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).length;
}

/** Runs `task(i)` for i in [0, count) with at most `width` in flight, keeping the order of results. */
export async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
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

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function round(n: number): number {
  return Math.round(n * 10) / 10;
}
