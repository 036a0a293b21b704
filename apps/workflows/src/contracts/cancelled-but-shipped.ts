/**
 * Cancelled but shipped (acknowledgement, forward, rebill, credit memo): its workflow
 * type and id, input, state, signal, updates and query, and the activities it asks of the three
 * services. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancelledButShippedProcessState } from '@cancelflow/domain';
import type { AcknowledgementChannel, CancelledButShippedStep } from '@cancelflow/domain/cancelled-but-shipped';
import type { Channel } from '@cancelflow/domain/channel-policies';

export { cancelledButShippedWorkflowId } from '@cancelflow/domain/cancelled-but-shipped';
export type { CancelledButShippedProcessState } from '@cancelflow/domain';
export type { NotificationActivities } from './notifications.ts';

export const CANCELLED_BUT_SHIPPED_WORKFLOW_TYPE = 'cancelledButShippedWorkflow';

export interface CancelledButShippedInput {
  cancelledButShippedId: string;
  /** How often the customer is reminded while no acknowledgement came (default 3 days). */
  reminderInterval?: Duration;
  /** After this long without an answer the cancelled-but-shipped process becomes a return (default 14 days). */
  acknowledgementDeadline?: Duration;
  /** Where the acknowledged email thread is forwarded (default seller-support@cancelflow.local). */
  sellerSupportEmail?: string;
}

/** What a start may carry: processes started before the process had one name got `chainId`. */
export type StartedCancelledButShippedInput =
  | CancelledButShippedInput
  | (Omit<CancelledButShippedInput, 'cancelledButShippedId'> & { chainId: string });

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
 * cancelled-but-shipped process waits for it; otherwise the answer says why (recorded: false). These updates answer a
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

export const cancelledButShippedStateQuery = defineQuery<CancelledButShippedProcessState>('cancelledButShippedState');

/** What the cancelled-but-shipped process works on, as the order service knows it when the shipment arrived. */
export interface CancelledButShippedContext {
  cancelledButShippedId: string;
  shipmentId: string;
  orderId: string;
  merchantId: string;
  channel: Channel;
  channelOrderNo: string;
  currency: string;
  /** Shipped-after-cancel quantity x unit price, summed over the lines: the rebill amount. */
  amount: number;
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
  customer: { email: string; name: string };
  lines: { lineId: string; lineNo: number; sku: string; quantity: number; unitPrice: number }[];
  cancellationIds: string[];
}

export interface RecordedAcknowledgement {
  accepted: boolean;
  via: AcknowledgementChannel;
  /** The staff member who recorded it, the customer's address for an email reply, or the self-service page. */
  by: string;
  /** The customer's own words. */
  evidence: string;
  /** The reply's Message-ID, when it came by email. */
  messageId?: string;
  at: string;
}

/** Activities of the "orders" task queue for this cancelled-but-shipped process (idempotent on cancelledButShippedId and step/key). */
export interface CancelledButShippedOrderActivities {
  loadCancelledButShipped(cancelledButShippedId: string): Promise<CancelledButShippedContext>;
  recordCancelledButShippedStep(input: {
    cancelledButShippedId: string;
    step: CancelledButShippedStep;
    detail?: string;
    actor?: string;
    key?: string;
    acknowledgement?: RecordedAcknowledgement;
    acknowledgementId?: string;
  }): Promise<void>;
  /**
   * The customer refused or did not answer: opens a return of the shipped-after-cancel quantities
   * (once per cancelled-but-shipped process; a repeat answers the same return). returnId is null when those quantities
   * were returned by other means meanwhile.
   */
  openReturnForCancelledButShipped(input: { cancelledButShippedId: string; why: string }): Promise<{ returnId: string | null }>;
}

/** Activities of the "payments" task queue for this cancelled-but-shipped process. */
export interface CancelledButShippedPaymentActivities {
  /** Records the customer's acknowledgement (idempotent on cancelledButShippedId); the credit memo needs it. */
  recordCustomerAcknowledgement(input: {
    cancelledButShippedId: string;
    orderId: string;
    merchantId: string;
    amount: number;
    currency: string;
    acknowledgement: RecordedAcknowledgement;
  }): Promise<{ acknowledgementId: string }>;
  /** Charges the customer the shipped-after-cancel amount, once per cancelled-but-shipped process. */
  rebillCustomer(input: {
    cancelledButShippedId: string;
    orderId: string;
    amount: number;
    currency: string;
    approvedBy: string;
  }): Promise<{ rebillId: string; status: 'SUCCEEDED' }>;
  /** Pays the seller; refused unless it references a recorded, accepting acknowledgement. */
  issueCreditMemo(input: {
    cancelledButShippedId: string;
    orderId: string;
    merchantId: string;
    acknowledgementId: string;
    amount: number;
    currency: string;
  }): Promise<{ creditMemoId: string }>;
}

/** Activities of the "notifications" task queue for this cancelled-but-shipped process. */
export interface CancelledButShippedNotificationActivities {
  /**
   * From now on, replies to the email with this messageKey (threaded by In-Reply-To or
   * References to its Message-ID) are signalled to the workflow, including any that came already.
   */
  watchReplies(input: { messageKey: string; workflowId: string }): Promise<void>;
  /** Emails the thread of the email with rootMessageKey (it and every reply) to `to`, once per messageKey. */
  forwardEmailThread(input: {
    messageKey: string;
    to: string;
    rootMessageKeys: string[];
    subject: string;
    note?: string;
    orderId?: string;
  }): Promise<{ messageId: string }>;
}
