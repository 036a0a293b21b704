/**
 * Process 4, undoing a cancellation: its workflow type and id, input, state, signal and query,
 * and the activities it asks of the services. It stops the cancellation's own process through
 * that process's abortForUndo update (contracts/cancellation.ts). Names are part of the API of
 * running workflows: never rename one.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { UndoProcessState } from '@cancelflow/domain';

export { undoCancellationWorkflowId } from '@cancelflow/domain/undo-cancellation';
export type { UndoProcessState } from '@cancelflow/domain';
export type { PaymentRequestView, UndoContext, UndoOrderActivities, UndoPaymentActivities } from '@cancelflow/domain/undo-cancellation';
export type { NotificationActivities } from '@cancelflow/domain/activities';

export const UNDO_CANCELLATION_WORKFLOW_TYPE = 'undoCancellationWorkflow';

export interface UndoCancellationWorkflowInput {
  undoId: string;
  /** How often the customer is reminded of an unpaid payment request (default 2 days). */
  paymentReminderInterval?: Duration;
  /** How long the customer has to pay again before the undo fails (default 7 days). */
  paymentDeadline?: Duration;
  /** The settings the cancellation's own process resumes with when the undo fails. */
  cancellationProcess?: { refundRecheckFirst?: Duration; refundRecheckInterval?: Duration; supportEmail?: string };
}

/** The payment service received the payment a payment request asked for; the workflow re-reads it. */
export const paymentReceivedSignal = defineSignal<[{ paymentRequestId: string }]>('paymentReceived');

export const undoStateQuery = defineQuery<UndoProcessState>('undoState');
