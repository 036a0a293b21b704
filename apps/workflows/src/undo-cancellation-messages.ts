/**
 * Signals, updates and queries of process 4 (undoing a cancellation), imported by the services
 * that send them. Names are part of the API of running workflows: never rename one.
 * (The abortForUndo update belongs to the cancellation workflow and lives in messages.ts.)
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { UndoStep } from '@cancelflow/domain/undo-cancellation';

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

export interface UndoProcessState {
  undoId: string;
  phase:
    | 'STARTING'
    | 'STOPPING_CANCELLATION'
    | 'COLLECTING_MONEY'
    | 'WAITING_FOR_PAYMENT'
    | 'REOPENING'
    | 'UNDONE'
    | 'FAILED';
  steps: UndoStep[];
  paymentRequestId?: string;
  remindersSent: number;
  failureReason?: string;
}

export const undoStateQuery = defineQuery<UndoProcessState>('undoState');
