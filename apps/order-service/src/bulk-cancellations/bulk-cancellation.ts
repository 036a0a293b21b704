/**
 * Bulk cancellation jobs: which orders a job takes (every open order with the SKU open, or the
 * rows of a file), the dry run that says what it would cancel and refund, and the start of the
 * job: its record, its orders and its process, in one transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  bulkCancellationWorkflowId,
  ConflictError,
  MAX_BULK_CANCELLATION_ITEMS,
  planBulkItem,
  RuleViolationError,
  TASK_QUEUES,
  UnavailableError,
  type BulkCancellationBody,
  type BulkCancellationDryRun,
  type BulkCancellationPlanItem,
  type BulkCancellationProgress,
  type CancellationReason,
  type RefundMethod,
} from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import { BULK_CANCELLATION_WORKFLOW_TYPE, type BulkCancellationInput } from '@cancelflow/workflows/contracts/bulk-cancellation';
import { BulkCancellation, BulkCancellationItem, Order, OrderLine } from '../db/entities/index.ts';
import type { ServiceDeps } from '../deps.ts';
import { priceCancellation } from '../orders/order-money.ts';
import { parseBulkCancellationCsv, rowsRefused } from './csv.ts';

/** What a job is asked with, once the caller's merchant is known (JSON body or a file and its query). */
export interface BulkCancellationRequest {
  jobId?: string;
  sku?: string;
  reason?: CancellationReason;
  csv?: string;
  comment?: string;
  refundMethod: RefundMethod;
  restock: boolean;
}

/** One order of a job, before it is numbered. */
interface Target {
  orderId: string;
  sku: string;
  quantity?: number;
  reason: CancellationReason;
}

/** Orders are read and planned this many at a time. */
const BATCH = 500;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The orders of a SKU job: the merchant's orders that are not finished and have a unit of the SKU
 * neither shipped nor cancelled (a first cut in SQL; planBulkItem decides each one), oldest first.
 */
async function skuTargets(em: EntityManager, merchantId: string, sku: string, reason: CancellationReason): Promise<Target[]> {
  const rows = await em.execute<{ id: string }[]>(
    `select o."id" from "orders"."order" o
      where o."merchant_id" = ? and o."status" in ('NEW', 'IN_PROGRESS', 'PARTIALLY_SHIPPED')
        and exists (select 1 from "orders"."order_line" l where l."order_id" = o."id" and l."sku" = ?
                    and l."quantity" - l."shipped_quantity" - l."cancelled_quantity" > 0)
      order by o."created_at", o."id" limit ?`,
    [merchantId, sku, MAX_BULK_CANCELLATION_ITEMS + 1],
  );
  if (rows.length > MAX_BULK_CANCELLATION_ITEMS) {
    throw new RuleViolationError(
      `more than ${MAX_BULK_CANCELLATION_ITEMS} open orders have ${sku}: a job takes at most ${MAX_BULK_CANCELLATION_ITEMS}; upload files of rows instead`,
    );
  }
  return rows.map((r) => ({ orderId: r.id, sku, reason }));
}

/** The orders of a file, row by row; a row naming no order of the merchant, or no line of the SKU, is refused with its line. */
async function csvTargets(em: EntityManager, merchantId: string, csv: string): Promise<Target[]> {
  const { rows, problems } = parseBulkCancellationCsv(csv);
  const numbers = [...new Set(rows.map((r) => r.channelOrderNo))];
  const orders: Pick<Order, 'id' | 'channel' | 'channelOrderNo'>[] = [];
  for (const part of chunks(numbers, BATCH)) {
    orders.push(...(await em.find(Order, { merchantId, channelOrderNo: { $in: part } }, { fields: ['id', 'channel', 'channelOrderNo'] })));
  }
  const skus = new Map<string, Set<string>>();
  for (const part of chunks(
    orders.map((o) => o.id),
    BATCH,
  )) {
    for (const line of await em.find(OrderLine, { orderId: { $in: part } }, { fields: ['orderId', 'sku'] })) {
      if (!skus.has(line.orderId)) skus.set(line.orderId, new Set());
      skus.get(line.orderId)!.add(line.sku);
    }
  }
  const seen = new Map<string, number>();
  const targets: Target[] = [];
  for (const row of rows) {
    const candidates = orders.filter((o) => o.channelOrderNo === row.channelOrderNo && (!row.channel || o.channel === row.channel));
    if (candidates.length === 0) {
      problems.push({
        path: `line ${row.line}.channelOrderNo`,
        message: `no order ${row.channelOrderNo}${row.channel ? ` on ${row.channel}` : ''} of this merchant`,
      });
      continue;
    }
    if (candidates.length > 1) {
      problems.push({
        path: `line ${row.line}.channelOrderNo`,
        message: `${row.channelOrderNo} is an order on ${candidates.map((c) => c.channel).join(' and ')}: add a channel column to say which`,
      });
      continue;
    }
    const order = candidates[0]!;
    if (!skus.get(order.id)?.has(row.sku)) {
      problems.push({ path: `line ${row.line}.sku`, message: `order ${row.channelOrderNo} has no line of ${row.sku}` });
      continue;
    }
    const key = `${order.id} ${row.sku}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({ path: `line ${row.line}`, message: `order ${row.channelOrderNo} and ${row.sku} are on line ${earlier} already` });
      continue;
    }
    seen.set(key, row.line);
    targets.push({ orderId: order.id, sku: row.sku, quantity: row.quantity, reason: row.reason });
  }
  if (problems.length > 0) throw rowsRefused(problems);
  return targets;
}

function targetsOf(em: EntityManager, merchantId: string, request: BulkCancellationRequest): Promise<Target[]> {
  if (request.csv !== undefined) return csvTargets(em, merchantId, request.csv);
  return skuTargets(em, merchantId, request.sku!, request.reason!);
}

/** What the job would do with each of its orders as they are now: nothing is written, nothing started. */
export async function dryRunBulkCancellation(
  deps: Pick<ServiceDeps, 'db'>,
  merchantId: string,
  request: BulkCancellationRequest,
): Promise<BulkCancellationDryRun> {
  const em = deps.db.em.fork();
  const targets = await targetsOf(em, merchantId, request);
  const items: BulkCancellationPlanItem[] = [];
  for (const [b, part] of chunks(targets, BATCH).entries()) {
    const ids = [...new Set(part.map((t) => t.orderId))];
    const orders = await em.find(Order, { id: { $in: ids } });
    const lines = await em.find(OrderLine, { orderId: { $in: ids } }, { orderBy: { lineNo: 'asc' } });
    for (const [i, target] of part.entries()) {
      const order = orders.find((o) => o.id === target.orderId)!;
      const orderLines = lines.filter((l) => l.orderId === order.id);
      const plan = planBulkItem({ channel: order.channel, status: order.status, lines: orderLines }, target);
      const base = {
        itemNo: b * BATCH + i + 1,
        orderId: order.id,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        sku: target.sku,
        ...(target.quantity !== undefined ? { quantity: target.quantity } : {}),
        reason: target.reason,
        currency: order.currency,
      };
      if (plan.kind !== 'CANCEL') {
        items.push({ ...base, outcome: plan.kind, cancelQuantity: 0, detail: plan.reason });
        continue;
      }
      const refund = await priceCancellation(em, order, orderLines, plan.lines);
      items.push({
        ...base,
        outcome: 'WOULD_CANCEL',
        cancelQuantity: plan.lines.reduce((n, l) => n + l.quantity, 0),
        refund: request.refundMethod === 'NONE' ? 0 : refund.amount,
        ...(plan.detail ? { detail: plan.detail } : {}),
      });
    }
  }
  const cancelling = items.filter((i) => i.outcome === 'WOULD_CANCEL');
  const refunds = new Map<string, number>();
  for (const item of cancelling) refunds.set(item.currency, (refunds.get(item.currency) ?? 0) + (item.refund ?? 0));
  return {
    jobId: request.jobId ?? randomUUID(),
    items,
    totals: {
      orders: items.length,
      wouldCancel: cancelling.length,
      units: cancelling.reduce((n, i) => n + i.cancelQuantity, 0),
      refused: items.filter((i) => i.outcome === 'REFUSED').length,
      skipped: items.filter((i) => i.outcome === 'SKIPPED').length,
      refunds: [...refunds].map(([currency, amount]) => ({ currency, amount })),
    },
  };
}

/** A digest of what was asked (not of the orders it found: a repeat later finds more, and is still the same job). */
function digestOf(request: BulkCancellationRequest): string {
  const { jobId: _jobId, ...asked } = request;
  return createHash('sha256')
    .update(
      JSON.stringify([
        asked.sku ?? null,
        asked.reason ?? null,
        asked.csv ?? null,
        asked.comment ?? null,
        asked.refundMethod,
        asked.restock,
      ]),
    )
    .digest('hex');
}

export interface StartedBulkCancellation {
  /** false: the same job asked for again; it was not started twice. */
  created: boolean;
  job: BulkCancellation;
}

/**
 * Records the job and its orders and starts its process, in one transaction: the process starts
 * before the commit, so a refused start leaves nothing behind. The same jobId with the same
 * request is the same job: its process is started if it is not running, never a second one.
 */
export async function startBulkCancellation(
  deps: ServiceDeps,
  merchantId: string,
  request: BulkCancellationRequest,
  createdBy: string,
): Promise<StartedBulkCancellation> {
  const jobId = request.jobId ?? randomUUID();
  const digest = digestOf(request);
  const again = async (): Promise<StartedBulkCancellation | undefined> => {
    const existing = await deps.db.em.fork().findOne(BulkCancellation, { id: jobId });
    if (!existing) return undefined;
    if (existing.merchantId !== merchantId || existing.requestDigest !== digest) {
      throw new ConflictError(`jobId ${jobId} is already used by another bulk cancellation: use a new jobId for a new job`, [
        { path: 'jobId', message: 'already used by another job' },
      ]);
    }
    await startProcess(deps, jobId, existing.workflowId);
    return { created: false, job: existing };
  };
  const repeat = await again();
  if (repeat) return repeat;
  try {
    const job = await deps.db.em.fork().transactional(async (em) => {
      const targets = await targetsOf(em, merchantId, request);
      if (targets.length === 0) {
        throw new RuleViolationError(`no open order of this merchant has a unit of ${request.sku} left to cancel: there is nothing to do`);
      }
      const workflowId = bulkCancellationWorkflowId(jobId);
      const created = em.create(BulkCancellation, {
        id: jobId,
        merchantId,
        source: request.csv !== undefined ? 'CSV' : 'SKU',
        sku: request.sku ?? null,
        reason: request.csv !== undefined ? null : (request.reason ?? null),
        comment: request.comment ?? null,
        refundMethod: request.refundMethod,
        restock: request.restock,
        status: 'RUNNING',
        workflowId,
        requestDigest: digest,
        itemCount: targets.length,
        createdBy,
        createdAt: new Date(),
        finishedAt: null,
      });
      await em.flush();
      for (const [b, part] of chunks(targets, BATCH).entries()) {
        const offset = b * BATCH;
        await em.insertMany(
          BulkCancellationItem,
          part.map((t, i) => ({
            bulkCancellationId: jobId,
            itemNo: offset + i + 1,
            orderId: t.orderId,
            sku: t.sku,
            quantity: t.quantity ?? null,
            reason: t.reason,
            outcome: null,
            cancelledQuantity: 0,
            cancellationId: null,
            detail: null,
            processedAt: null,
          })),
        );
      }
      await startProcess(deps, jobId, workflowId);
      return created;
    });
    return { created: true, job };
  } catch (error) {
    // The same job asked for twice at once: the other request made it.
    if (isUniqueViolation(error)) {
      const other = await again();
      if (other) return other;
    }
    throw error;
  }
}

async function startProcess(deps: ServiceDeps, jobId: string, workflowId: string): Promise<void> {
  const args: [BulkCancellationInput] = [{ jobId }];
  try {
    await deps.temporal.withDeadline(Date.now() + deps.temporalTimeoutMs, () =>
      deps.temporal.workflow.start(BULK_CANCELLATION_WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUES.cancellations,
        workflowId,
        args,
        // A job that has ended is never run again under its id.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    );
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    deps.logger.warn({ err: error, jobId }, 'could not start the bulk cancellation workflow');
    throw new UnavailableError(
      'the bulk cancellation could not be started (Temporal is unreachable): nothing was changed, try again shortly',
    );
  }
}

/** How far the job is, counted from its orders' recorded outcomes. */
export async function progressOf(em: EntityManager, job: BulkCancellation): Promise<BulkCancellationProgress> {
  return (await progressOfJobs(em, [job])).get(job.id)!;
}

/** The progress of several jobs (a page of the list), counted in one query. */
export async function progressOfJobs(em: EntityManager, jobs: readonly BulkCancellation[]): Promise<Map<string, BulkCancellationProgress>> {
  const rows =
    jobs.length === 0
      ? []
      : await em.execute<{ bulk_cancellation_id: string; outcome: string | null; n: string }[]>(
          `select "bulk_cancellation_id", "outcome", count(*) as n from "orders"."bulk_cancellation_item"
            where "bulk_cancellation_id" in (${jobs.map(() => '?').join(', ')}) group by "bulk_cancellation_id", "outcome"`,
          jobs.map((job) => job.id),
        );
  return new Map(
    jobs.map((job) => {
      const count = (outcome: string) => Number(rows.find((r) => r.bulk_cancellation_id === job.id && r.outcome === outcome)?.n ?? 0);
      const progress = {
        total: job.itemCount,
        cancelled: count('CANCELLED'),
        refused: count('REFUSED'),
        skipped: count('SKIPPED'),
        failed: count('FAILED'),
      };
      return [job.id, { ...progress, processed: progress.cancelled + progress.refused + progress.skipped + progress.failed }];
    }),
  );
}

export function bulkCancellationView(job: BulkCancellation, progress: BulkCancellationProgress): Omit<BulkCancellationBody, 'live'> {
  return {
    id: job.id,
    merchantId: job.merchantId,
    source: job.source,
    ...(job.sku ? { sku: job.sku } : {}),
    ...(job.reason ? { reason: job.reason } : {}),
    ...(job.comment ? { comment: job.comment } : {}),
    refundMethod: job.refundMethod,
    restock: job.restock,
    status: job.status,
    workflowId: job.workflowId,
    createdBy: job.createdBy,
    createdAt: job.createdAt.toISOString(),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
    ...(job.statusChangedAt ? { statusChangedAt: job.statusChangedAt.toISOString() } : {}),
    ...(job.statusChangedBy ? { statusChangedBy: job.statusChangedBy } : {}),
    progress,
  };
}
