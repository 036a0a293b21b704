import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import {
  CANCELLATION_REASONS,
  CANCELLATION_REQUEST_REJECTIONS,
  CANCELLATION_REQUEST_SOURCES,
  CANCELLATION_REQUEST_STATUSES,
  RETURN_REASONS,
  RETURN_STATUSES,
} from '@cancelflow/domain';

/** A customer's (or marketplace's) request to cancel; the merchant answers unless it was accepted at once. */
export const CancellationRequest = defineEntity({
  name: 'CancellationRequest',
  tableName: 'cancellation_request',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid(),
    merchantId: p.string(),
    source: p.enum(CANCELLATION_REQUEST_SOURCES),
    status: p.enum(CANCELLATION_REQUEST_STATUSES),
    reason: p.enum(CANCELLATION_REASONS),
    comment: p.text().nullable(),
    rejection: p.enum(CANCELLATION_REQUEST_REJECTIONS).nullable(),
    rejectionReason: p.text().nullable(),
    /** Rejected with goods shipped: the customer was pointed to a return. */
    returnInstead: p.boolean(),
    decidedBy: p.string().nullable(),
    /** The cancellation an accepted request became. */
    cancellationId: p.uuid().nullable(),
    workflowId: p.string(),
    createdAt: p.datetime(),
    decidedAt: p.datetime().nullable(),
    /** The caller's Idempotency-Key: a retry with it answers this request (unique per order). */
    idempotencyKey: p.string().nullable(),
  },
});
export type CancellationRequest = InferEntity<typeof CancellationRequest>;

export const CancellationRequestLine = defineEntity({
  name: 'CancellationRequestLine',
  tableName: 'cancellation_request_line',
  properties: {
    requestId: p.uuid().primary(),
    orderLineId: p.uuid().primary(),
    quantity: p.integer(),
  },
});
export type CancellationRequestLine = InferEntity<typeof CancellationRequestLine>;

/** A return of shipped quantities: never a cancellation. */
export const Return = defineEntity({
  name: 'Return',
  tableName: 'return',
  properties: {
    id: p.uuid().primary(),
    /** A stable integer id beside the uuid, numbered by the database: the Merchant API's return Id. */
    integerId: p.bigint('number').generated('by default as identity').autoincrement(),
    /** The merchant's own number for the return, unique per merchant. */
    merchantReturnNumber: p.string().nullable(),
    orderId: p.uuid(),
    merchantId: p.string(),
    reason: p.enum(RETURN_REASONS),
    comment: p.text().nullable(),
    status: p.enum(RETURN_STATUSES),
    cancellationRequestId: p.uuid().nullable(),
    createdAt: p.datetime(),
  },
});
export type Return = InferEntity<typeof Return>;

export const ReturnLine = defineEntity({
  name: 'ReturnLine',
  tableName: 'return_line',
  properties: {
    returnId: p.uuid().primary(),
    orderLineId: p.uuid().primary(),
    quantity: p.integer(),
  },
});
export type ReturnLine = InferEntity<typeof ReturnLine>;
