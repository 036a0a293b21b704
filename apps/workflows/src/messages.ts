/**
 * Signals, updates and queries of every process, defined once and imported by the services
 * that send them. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { AcknowledgementChannel, CancellationStep, RefundMethod, RefundStatus } from '@cancelflow/domain';

export const CANCELLATION_WORKFLOW_TYPE = 'cancellationWorkflow';

export interface CancellationWorkflowInput {
  cancellationId: string;
  /**
   * A pending refund with no provider event is asked for at the provider after refundRecheckFirst
   * (default 10 seconds), then after waits that double up to refundRecheckInterval (default 10 minutes).
   */
  refundRecheckFirst?: Duration;
  refundRecheckInterval?: Duration;
  /** Where refund failures are reported (default support@cancelflow.local). */
  supportEmail?: string;
}

/** The payment service saw the provider settle or fail a refund; the workflow re-reads it. */
export const refundSettledSignal = defineSignal<[{ refundId: string }]>('refundSettled');

/** The marketplace closed the dispute an eBay cancellation opened. */
export const disputeClosedSignal =
  defineSignal<[{ disputeId: string; resolution: string }]>('disputeClosed');

/** Support asks to try a failed refund again. Refused unless the refund has failed. */
export const retryRefundUpdate =
  defineUpdate<{ attempt: number }, [{ staffId: string; note?: string }]>('retryRefund');

export interface CancellationProcessState {
  cancellationId: string;
  phase:
    | 'STARTING'
    | 'RESTOCKING'
    | 'NOTIFYING_CHANNEL'
    | 'WAITING_FOR_DISPUTE'
    | 'REFUNDING'
    | 'WAITING_FOR_REFUND'
    | 'REFUND_FAILED'
    | 'COMPLETING'
    | 'CANCELLED'
    | 'STOPPED_FOR_UNDO';
  refundStatus?: RefundStatus;
  refundFailureReason?: string;
  refundAttempt: number;
  steps: CancellationStep[];
}

export const cancellationStateQuery = defineQuery<CancellationProcessState>('cancellationState');

/**
 * An undo of this cancellation asks its process to stop. Accepted only before the process starts
 * completing the cancellation; answered once the process has stopped acting (no activity of it in
 * flight, none to come), after which it ends without completing. The undo then owns the money.
 */
export const abortForUndoUpdate = defineUpdate<{ stoppedAt: string; refundRequested: boolean }, [{ undoId: string }]>('abortForUndo');

// ---------------------------------------------------------------------------------------------
// Process 2: a customer's (or marketplace's) cancellation request, waiting for the merchant.

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
export const rejectCancellationRequestUpdate = defineUpdate<
  { returnInstead: boolean },
  [{ staffId: string; reason: string }]
>('rejectCancellationRequest');

/** The customer takes the request back. Refused unless open. */
export const withdrawCancellationRequestUpdate = defineUpdate<{ status: 'WITHDRAWN' }, [{ comment?: string }]>(
  'withdrawCancellationRequest',
);

/**
 * A shipment was recorded for the order: the order service has closed the open request as
 * rejected-shipped; the process tells the customer that the answer is a return.
 */
export const shipmentRecordedSignal = defineSignal<[{ orderId: string; shipmentId?: string }]>('shipmentRecorded');

export interface CancellationRequestProcessState {
  requestId: string;
  phase: 'STARTING' | 'WAITING_FOR_MERCHANT' | 'DECIDING' | 'ACCEPTED' | 'REJECTED' | 'REJECTED_SHIPPED' | 'WITHDRAWN' | 'AUTO_ACCEPTED';
  remindersSent: number;
  escalated: boolean;
  cancellationId?: string;
}

export const cancellationRequestStateQuery = defineQuery<CancellationRequestProcessState>('cancellationRequestState');

// ---------------------------------------------------------------------------------------------
// The order confirmation email, with the customer's self-service link.

export const ORDER_CONFIRMATION_WORKFLOW_TYPE = 'orderConfirmationWorkflow';

export interface OrderConfirmationInput {
  orderId: string;
  to: string;
  /** canCancel: whether the link's page lets the customer cancel (absent before the store setting was honoured: yes). */
  data: { orderNo: string; customerName: string; viewOrderUrl: string; expiresAt: string; lines: string; canCancel?: boolean };
}

// ---------------------------------------------------------------------------------------------
// Process 3: cancelled but shipped (acknowledgement, forward, rebill, credit memo).

export const CANCELLED_BUT_SHIPPED_WORKFLOW_TYPE = 'cancelledButShippedWorkflow';

export interface CancelledButShippedInput {
  chainId: string;
  /** How often the customer is reminded while no acknowledgement came (default 3 days). */
  reminderInterval?: Duration;
  /** After this long without an answer the chain becomes a return (default 14 days). */
  acknowledgementDeadline?: Duration;
  /** Where the acknowledged email chain is forwarded (default seller-support@cancelflow.local). */
  sellerSupportEmail?: string;
}

/**
 * An email arrived that replies to one this workflow asked to watch (threaded by In-Reply-To or
 * References). Sent by the notification service; the workflow reads the decision from the text.
 */
export interface EmailReply {
  /** The mailbox message id in the notification service: replies are deduplicated on it. */
  mailboxMessageId: string;
  messageId: string | null;
  inReplyTo: string | null;
  from: string | null;
  subject: string | null;
  text: string;
  receivedAt: string;
}
export const emailReplyReceivedSignal = defineSignal<[EmailReply]>('emailReplyReceived');

/**
 * Support records the customer's acknowledgement with their words, or the order service records
 * the customer's own answer on the self-service page (via: 'SELF_SERVICE'). Taken only while the
 * chain waits for it; otherwise the answer says why (recorded: false). These updates answer a
 * refusal instead of rejecting in a validator: a rejected update followed by an accepted one that
 * cancels a timer fails replay after a worker restart in SDK 1.x (nondeterminism), so none is rejected.
 */
export interface RecordAcknowledgementArgs {
  /** Who recorded it: the staff member, or the self-service page for the customer's own answer. */
  staffId: string;
  accepted: boolean;
  evidence: string;
  /** Where the answer came from; absent means support's record (as before this field existed). */
  via?: 'SUPPORT_STAFF' | 'SELF_SERVICE';
}
export const recordAcknowledgementUpdate = defineUpdate<
  { recorded: boolean; accepted?: boolean; refusedBecause?: string },
  [RecordAcknowledgementArgs]
>('recordAcknowledgement');

/** Support approves the rebill. A repeat answers with the first approval and does nothing else. */
export const approveRebillUpdate = defineUpdate<
  { approved: boolean; approvedBy?: string; duplicate: boolean; refusedBecause?: string },
  [{ staffId: string }]
>('approveRebill');

export interface CancelledButShippedProcessState {
  chainId: string;
  phase:
    | 'STARTING'
    | 'EMAILING_CUSTOMER'
    | 'WAITING_FOR_ACKNOWLEDGEMENT'
    | 'FORWARDING'
    | 'WAITING_FOR_REBILL_APPROVAL'
    | 'REBILLING'
    | 'ISSUING_CREDIT_MEMO'
    | 'COMPLETED'
    | 'RETURN_REQUESTED';
  remindersSent: number;
  undecidedReplies: number;
  acknowledgement?: { accepted: boolean; via: AcknowledgementChannel; by: string; at: string };
  rebillApprovedBy?: string;
}

export const cancelledButShippedStateQuery = defineQuery<CancelledButShippedProcessState>('cancelledButShippedState');
