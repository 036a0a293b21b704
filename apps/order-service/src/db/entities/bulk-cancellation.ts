import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import {
  BULK_CANCELLATION_OUTCOMES,
  BULK_CANCELLATION_SOURCES,
  BULK_CANCELLATION_STATUSES,
  CANCELLATION_REASONS,
  REFUND_METHODS,
} from '@cancelflow/domain';

/** A bulk cancellation job: what it cancels with (reason, refund, restock) and how far it is. */
export const BulkCancellation = defineEntity({
  name: 'BulkCancellation',
  tableName: 'bulk_cancellation',
  properties: {
    id: p.uuid().primary(),
    merchantId: p.string(),
    source: p.enum(BULK_CANCELLATION_SOURCES),
    /** The SKU of a job that cancels every open unit of it; null for a file. */
    sku: p.string().nullable(),
    /** The reason of a SKU job; a file gives one per row. */
    reason: p.enum(CANCELLATION_REASONS).nullable(),
    comment: p.string().nullable(),
    refundMethod: p.enum(REFUND_METHODS),
    restock: p.boolean(),
    status: p.enum(BULK_CANCELLATION_STATUSES),
    workflowId: p.string(),
    /** A digest of what was asked: the same jobId with other contents is refused. */
    requestDigest: p.string(),
    itemCount: p.integer(),
    createdBy: p.string(),
    createdAt: p.datetime(),
    finishedAt: p.datetime().nullable(),
    /** Who last paused, resumed or stopped it (null: the job itself, as when it completes). */
    statusChangedBy: p.string().nullable(),
    statusChangedAt: p.datetime().nullable(),
  },
});
export type BulkCancellation = InferEntity<typeof BulkCancellation>;

/**
 * One order of a job (a file: one row), numbered from 1. Its outcome is written in the same
 * transaction as the cancellation it started, so a job run again finds it done.
 */
export const BulkCancellationItem = defineEntity({
  name: 'BulkCancellationItem',
  tableName: 'bulk_cancellation_item',
  properties: {
    bulkCancellationId: p.uuid().primary(),
    itemNo: p.integer().primary(),
    orderId: p.uuid(),
    sku: p.string(),
    /** Units asked for; null: every open unit. */
    quantity: p.integer().nullable(),
    reason: p.enum(CANCELLATION_REASONS),
    outcome: p.enum(BULK_CANCELLATION_OUTCOMES).nullable(),
    cancelledQuantity: p.integer().default(0),
    cancellationId: p.uuid().nullable(),
    detail: p.string().nullable(),
    processedAt: p.datetime().nullable(),
  },
});
export type BulkCancellationItem = InferEntity<typeof BulkCancellationItem>;
