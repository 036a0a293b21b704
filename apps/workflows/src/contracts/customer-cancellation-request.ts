/**
 * A customer's (or marketplace's) cancellation request waiting for the merchant: its
 * workflow type and id, input, state, updates, signal and query, and the activities it asks of
 * the order service. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancellationReason, CancellationRequestProcessState, RefundMethod } from '@cancelflow/domain';

export { cancellationRequestWorkflowId } from '@cancelflow/domain/cancellation-request';
export type { CancellationRequestProcessState } from '@cancelflow/domain';
export type { NotificationActivities } from './notifications.ts';

export const CUSTOMER_CANCELLATION_REQUEST_WORKFLOW_TYPE = 'customerCancellationRequestWorkflow';

export interface CustomerCancellationRequestInput {
  requestId: string;
  /** How often the merchant is reminded while nobody answers (default 4 hours). */
  reminderInterval?: Duration;
  /** When an unanswered request is escalated, counted from its start (default 48 hours). */
  escalateAfter?: Duration;
  /** Who receives reminders and the escalation (default merchant-support@cancelflow.local). */
  merchantEmail?: string;
}

export interface AcceptCancellationRequestArgs {
  staffId: string;
  refundMethod: RefundMethod;
  restock: boolean;
}

/** The merchant accepts: the cancellation starts with the customer's reason. Refused unless open. */
export const acceptCancellationRequestUpdate = defineUpdate<
  { cancellationId: string; workflowId: string },
  [AcceptCancellationRequestArgs]
>('acceptCancellationRequest');

/** The merchant rejects, with a reason for the customer. Refused unless open. */
export const rejectCancellationRequestUpdate = defineUpdate<{ returnInstead: boolean }, [{ staffId: string; reason: string }]>(
  'rejectCancellationRequest',
);

/** The customer takes the request back. Refused unless open. */
export const withdrawCancellationRequestUpdate = defineUpdate<{ status: 'WITHDRAWN' }, [{ comment?: string }]>(
  'withdrawCancellationRequest',
);

/**
 * A shipment was recorded for the order: the order service has closed the open request as
 * rejected-shipped; the process tells the customer that the answer is a return.
 */
export const shipmentRecordedSignal = defineSignal<[{ orderId: string; shipmentId?: string }]>('shipmentRecorded');

export const cancellationRequestStateQuery = defineQuery<CancellationRequestProcessState>('cancellationRequestState');

/** What the customer-cancellation-request workflow reads of its request. */
export interface CancellationRequestContext {
  requestId: string;
  orderId: string;
  merchantId: string;
  channelOrderNo: string;
  source: 'CUSTOMER_SELF_SERVICE' | 'CUSTOMER_CONTACT' | 'MARKETPLACE';
  status: 'REQUESTED' | 'ACCEPTED' | 'REJECTED' | 'AUTO_ACCEPTED' | 'WITHDRAWN';
  reason: CancellationReason;
  comment?: string;
  customer: { email: string; name: string };
  lines: { lineId: string; lineNo: number; sku: string; quantity: number }[];
  /** The cancellation it became, once accepted. */
  cancellationId?: string;
  createdAt: string;
}

/** The order service's side of the cancellation request, on the "orders" task queue; idempotent by request id. */
export interface CancellationRequestActivities {
  loadCancellationRequest(requestId: string): Promise<CancellationRequestContext>;
  /** REQUESTED -> ACCEPTED and the cancellation (with the customer's reason) starts; a repeat returns it. */
  acceptCancellationRequest(input: {
    requestId: string;
    staffId: string;
    refundMethod: RefundMethod;
    restock: boolean;
  }): Promise<{ cancellationId: string; workflowId: string }>;
  /** REQUESTED -> REJECTED; returnInstead when goods of the request have shipped. */
  rejectCancellationRequest(input: { requestId: string; staffId: string; reason: string }): Promise<{ returnInstead: boolean }>;
  /** REQUESTED -> WITHDRAWN by the customer. */
  withdrawCancellationRequest(input: { requestId: string; comment?: string }): Promise<void>;
  /** Adds an entry to the order's timeline, once per key (reminders, escalations, emails). */
  recordCancellationRequestEvent(input: { requestId: string; type: string; key: string; detail?: string }): Promise<void>;
}
