/**
 * Bulk cancellation: one job cancels the open units of a SKU (sold out, recalled) across a
 * merchant's orders, or the rows of an uploaded file, each order through the normal cancellation
 * with its channel's rules. This module decides, for one order, what the job would do with it;
 * the dry run and the job itself ask it the same question, so what the merchant confirms is what
 * runs (as the order then is).
 */
import { assertCancellable, type CancellableOrder, type CancellationReason, type RequestedLine } from './cancellation.ts';
import { DomainError } from './errors.ts';
import { openQuantity } from './order.ts';

export const BULK_CANCELLATION_SOURCES = ['SKU', 'CSV'] as const;
export type BulkCancellationSource = (typeof BULK_CANCELLATION_SOURCES)[number];

/** RUNNING <-> PAUSED, then COMPLETED (every order handled) or STOPPED (the merchant stopped it). */
export const BULK_CANCELLATION_STATUSES = ['RUNNING', 'PAUSED', 'STOPPED', 'COMPLETED'] as const;
export type BulkCancellationStatus = (typeof BULK_CANCELLATION_STATUSES)[number];

/**
 * What happened to one order of a job: CANCELLED (its cancellation started), REFUSED (a rule of
 * its channel refuses it, with the reason), SKIPPED (nothing left to cancel: already cancelled or
 * shipped), FAILED (an error no retry got past). An order the job never reached has no outcome.
 */
export const BULK_CANCELLATION_OUTCOMES = ['CANCELLED', 'REFUSED', 'SKIPPED', 'FAILED'] as const;
export type BulkCancellationOutcome = (typeof BULK_CANCELLATION_OUTCOMES)[number];

/** How many orders a job may hold (a file's rows, or the orders with the SKU open). */
export const MAX_BULK_CANCELLATION_ITEMS = 10_000;

/** Workflow ids derive from business ids: starting the same job again finds the running process. */
export const bulkCancellationWorkflowId = (jobId: string): string => `bulk-cancellation-${jobId}`;

/**
 * The merchant cancellation number of one order's cancellation in a job: derived from the job
 * and the item, so a repeated run finds the cancellation it made instead of making another.
 */
export const bulkCancellationNumber = (jobId: string, itemNo: number): string => `BULK-${jobId}-${itemNo}`;

/** One order of a job: the SKU, how many units (undefined: every open unit) and why. */
export interface BulkCancellationTarget {
  sku: string;
  quantity?: number;
  reason: CancellationReason;
}

export type BulkItemPlan =
  | {
      kind: 'CANCEL';
      lines: RequestedLine[];
      /** Units asked for that are no longer open (shipped or cancelled meanwhile). */
      skippedQuantity: number;
      detail?: string;
    }
  | { kind: 'SKIPPED' | 'REFUSED'; reason: string };

/**
 * What a job does with one order as it is now: the open units of the SKU, up to the quantity
 * asked, line by line; nothing open is SKIPPED with the reason; what the channel's rules refuse
 * (assertCancellable: whole lines only, a finished order ...) is REFUSED with the rule's words.
 */
export function planBulkItem(order: CancellableOrder, target: BulkCancellationTarget): BulkItemPlan {
  const lines = order.lines.filter((l) => l.sku === target.sku).sort((a, b) => a.lineNo - b.lineNo);
  if (lines.length === 0) return { kind: 'SKIPPED', reason: `the order has no line of ${target.sku}` };
  if (order.status === 'CANCELLED') return { kind: 'SKIPPED', reason: 'the order is already cancelled' };
  if (order.status === 'SHIPPED' || order.status === 'CLOSED') {
    return { kind: 'SKIPPED', reason: `the order is ${order.status}: shipped goods come back through a return` };
  }
  const open = lines.reduce((n, l) => n + openQuantity(l), 0);
  const wanted = target.quantity ?? open;
  if (open === 0) {
    const shipped = lines.reduce((n, l) => n + l.shippedQuantity, 0);
    const cancelled = lines.reduce((n, l) => n + l.cancelledQuantity, 0);
    return { kind: 'SKIPPED', reason: `no unit of ${target.sku} is open: ${shipped} shipped, ${cancelled} already cancelled` };
  }
  const requested: RequestedLine[] = [];
  let left = Math.min(wanted, open);
  for (const line of lines) {
    const take = Math.min(left, openQuantity(line));
    if (take > 0) requested.push({ lineId: line.id, quantity: take });
    left -= take;
  }
  try {
    assertCancellable(order, requested);
  } catch (error) {
    if (error instanceof DomainError) return { kind: 'REFUSED', reason: error.details.map((d) => d.message).join('; ') || error.message };
    throw error;
  }
  const skippedQuantity = wanted - Math.min(wanted, open);
  return {
    kind: 'CANCEL',
    lines: requested,
    skippedQuantity,
    ...(skippedQuantity > 0
      ? { detail: `${skippedQuantity} of ${wanted} asked no longer open (shipped or already cancelled): skipped` }
      : {}),
  };
}
