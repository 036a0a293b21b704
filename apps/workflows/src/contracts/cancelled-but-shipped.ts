/**
 * Process 3, cancelled but shipped (acknowledgement, forward, rebill, credit memo): its workflow
 * type and id, input, state, signal, updates and query, and the activities it asks of the three
 * services. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancelledButShippedProcessState } from '@cancelflow/domain';

export { cancelledButShippedWorkflowId } from '@cancelflow/domain/cancelled-but-shipped';
export type { CancelledButShippedProcessState } from '@cancelflow/domain';
export type {
  CancelledButShippedContext,
  CancelledButShippedNotificationActivities,
  CancelledButShippedOrderActivities,
  CancelledButShippedPaymentActivities,
  RecordedAcknowledgement,
} from '@cancelflow/domain/cancelled-but-shipped';
export type { NotificationActivities } from '@cancelflow/domain/activities';

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
export const recordAcknowledgementUpdate = defineUpdate<{ recorded: boolean; accepted?: boolean; refusedBecause?: string }, [RecordAcknowledgementArgs]>(
  'recordAcknowledgement',
);

/** Support approves the rebill. A repeat answers with the first approval and does nothing else. */
export const approveRebillUpdate = defineUpdate<
  { approved: boolean; approvedBy?: string; duplicate: boolean; refusedBecause?: string },
  [{ staffId: string }]
>('approveRebill');

export const cancelledButShippedStateQuery = defineQuery<CancelledButShippedProcessState>('cancelledButShippedState');
