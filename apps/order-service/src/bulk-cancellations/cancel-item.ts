/**
 * One order of a bulk job, as the job's process asks for it (activities on the "orders" queue):
 * the normal cancellation (reserveCancellation, under the order's row lock, with the channel's
 * rules), and the item's outcome written in the same transaction. Running it again returns the
 * outcome; a cancellation made by an attempt whose answer was lost is found by its number.
 */
import { createHash } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  bulkCancellationNumber,
  DomainError,
  NotFoundError,
  planBulkItem,
  UnavailableError,
  type BulkCancellationOutcome,
  type BulkCancellationStatus,
} from '@cancelflow/domain';
import type { BulkCancellationJob, BulkItemOutcome } from '@cancelflow/workflows/contracts/bulk-cancellation';
import { reserveCancellation } from '../cancellations/create-cancellation.ts';
import { BulkCancellation, BulkCancellationItem, Cancellation, CancellationLine } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';

/** The id of the cancellation a job makes for one of its orders: the same on every attempt. */
export function bulkCancellationId(jobId: string, itemNo: number): string {
  const hex = createHash('sha256').update(`bulk-cancellation:${jobId}:${itemNo}`).digest('hex');
  // A UUID of version 8 (vendor-defined) with the RFC 4122 variant.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const outcomeOf = (item: BulkCancellationItem): BulkItemOutcome => ({
  outcome: item.outcome!,
  ...(item.cancellationId ? { cancellationId: item.cancellationId } : {}),
  ...(item.detail ? { detail: item.detail } : {}),
});

function record(
  item: BulkCancellationItem,
  outcome: BulkCancellationOutcome,
  fields: { detail?: string; cancellationId?: string; cancelledQuantity?: number } = {},
): BulkItemOutcome {
  item.outcome = outcome;
  item.detail = fields.detail ?? null;
  item.cancellationId = fields.cancellationId ?? null;
  item.cancelledQuantity = fields.cancelledQuantity ?? 0;
  item.processedAt = new Date();
  return outcomeOf(item);
}

export async function loadBulkJob(deps: Pick<ServiceDeps, 'db'>, jobId: string): Promise<BulkCancellationJob | undefined> {
  const job = await deps.db.em.fork().findOne(BulkCancellation, { id: jobId });
  return job ? { jobId: job.id, merchantId: job.merchantId, itemCount: job.itemCount } : undefined;
}

const findItem = (em: EntityManager, jobId: string, itemNo: number, lock = false) =>
  em.findOne(
    BulkCancellationItem,
    { bulkCancellationId: jobId, itemNo },
    lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true } : {},
  );

export async function cancelBulkItem(deps: ServiceDeps, jobId: string, itemNo: number): Promise<BulkItemOutcome> {
  const em = deps.db.em.fork();
  const [job, item] = await Promise.all([em.findOne(BulkCancellation, { id: jobId }), findItem(em, jobId, itemNo)]);
  if (!job || !item) throw new NotFoundError(`no order ${itemNo} in bulk cancellation ${jobId}`);
  if (item.outcome) return outcomeOf(item);
  try {
    return await deps.db.em.fork().transactional(async (tx) => {
      // Under the order's lock: every writer of the order (and a second attempt of this item) waits here.
      const order = await lockOrderOrFail(tx, item.orderId);
      const current = (await findItem(tx, jobId, itemNo, true))!;
      if (current.outcome) return outcomeOf(current);
      const merchantCancellationNumber = bulkCancellationNumber(jobId, itemNo);
      const made = await tx.findOne(Cancellation, { merchantId: job.merchantId, merchantCancellationNumber });
      if (made) {
        const lines = await tx.find(CancellationLine, { cancellationId: made.id });
        const outcome = record(current, 'CANCELLED', {
          cancellationId: made.id,
          cancelledQuantity: lines.reduce((n, l) => n + l.quantity, 0),
        });
        await tx.flush();
        return outcome;
      }
      const lines = await linesOf(tx, order.id);
      const plan = planBulkItem(
        { channel: order.channel, status: order.status, lines },
        { sku: current.sku, reason: current.reason, ...(current.quantity !== null ? { quantity: current.quantity } : {}) },
      );
      if (plan.kind !== 'CANCEL') {
        const outcome = record(current, plan.kind, { detail: plan.reason });
        await tx.flush();
        return outcome;
      }
      const started = await reserveCancellation(
        deps,
        tx,
        order,
        {
          lines: plan.lines,
          reason: current.reason,
          ...(job.comment ? { comment: job.comment } : {}),
          merchantCancellationNumber,
          refundMethod: job.refundMethod,
          restock: job.restock,
          initiator: 'MERCHANT',
        },
        { cancellationId: bulkCancellationId(jobId, itemNo) },
      );
      const outcome = record(current, 'CANCELLED', {
        cancellationId: started.cancellationId,
        cancelledQuantity: plan.lines.reduce((n, l) => n + l.quantity, 0),
        ...(plan.detail ? { detail: plan.detail } : {}),
      });
      await tx.flush();
      return outcome;
    });
  } catch (error) {
    // A rule the plan did not foresee (the order changed under it): refused with the rule's words.
    if (error instanceof DomainError && !(error instanceof UnavailableError) && !(error instanceof NotFoundError)) {
      return settle(deps, jobId, itemNo, 'REFUSED', error.message);
    }
    throw error;
  }
}

/** Records an outcome for an item that has none yet; an item with one keeps it. */
export function settle(
  deps: Pick<ServiceDeps, 'db'>,
  jobId: string,
  itemNo: number,
  outcome: BulkCancellationOutcome,
  detail: string,
): Promise<BulkItemOutcome> {
  return deps.db.em.fork().transactional(async (tx) => {
    const item = await findItem(tx, jobId, itemNo, true);
    if (!item) throw new NotFoundError(`no order ${itemNo} in bulk cancellation ${jobId}`);
    if (item.outcome) return outcomeOf(item);
    const settled = record(item, outcome, { detail: detail.slice(0, 2000) });
    await tx.flush();
    return settled;
  });
}

export async function recordBulkStatus(
  deps: Pick<ServiceDeps, 'db'>,
  jobId: string,
  status: BulkCancellationStatus,
  by: string | undefined,
): Promise<void> {
  const em = deps.db.em.fork();
  const job = await em.findOne(BulkCancellation, { id: jobId });
  if (!job) throw new NotFoundError(`no bulk cancellation ${jobId}`);
  // A retried activity records the same change again: who made it stays as first recorded.
  if (job.status === status) return;
  job.status = status;
  job.statusChangedBy = by ?? null;
  job.statusChangedAt = new Date();
  job.finishedAt = status === 'STOPPED' || status === 'COMPLETED' ? (job.finishedAt ?? new Date()) : null;
  await em.flush();
}
