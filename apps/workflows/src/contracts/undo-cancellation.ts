/**
 * Undoing a cancellation: its workflow type and id, input, state, signal and query,
 * and the activities it asks of the services. It stops the cancellation's own process through
 * that process's abortForUndo update (contracts/cancellation.ts). Names are part of the API of
 * running workflows: never rename one.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancellationStatus, PaymentRequestBody, UndoProcessState } from '@cancelflow/domain';
import type { UndoRefundPart, UndoStatus, UndoStep } from '@cancelflow/domain/undo-cancellation';

export { undoCancellationWorkflowId } from '@cancelflow/domain/undo-cancellation';
export type { UndoProcessState } from '@cancelflow/domain';
export type { NotificationActivities } from './notifications.ts';

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

// The activities of the undo process, per task queue (idempotent on undoId and step/key).

export interface UndoContext {
  undoId: string;
  attempt: number;
  cancellationId: string;
  cancellationWorkflowId: string;
  cancellationStatus: CancellationStatus;
  undoStatus: UndoStatus;
  orderId: string;
  channelOrderNo: string;
  currency: string;
  reason: string;
  staffId: string;
  customer: { email: string; name: string };
  /** What reopens and what it is worth (the amount to collect back), in minor units. */
  lines: { lineId: string; lineNo: number; sku: string; quantity: number; unitPrice: number }[];
  amount: number;
  whole: boolean;
}

export interface StopCancellationOutcome {
  /** STOPPED: its process ended without completing; COMPLETING: it completes first (then CANCELLED). */
  outcome: 'STOPPED' | 'COMPLETING' | 'NOT_RUNNING';
  phase?: string;
}

export interface UndoOrderActivities {
  loadUndo(undoId: string): Promise<UndoContext>;
  recordUndoStep(input: { undoId: string; step: UndoStep; detail?: string; key?: string; actor?: string }): Promise<void>;
  /** Asks the cancellation's own process to stop (abortForUndo update), before it completes. */
  stopCancellationProcess(input: { undoId: string; cancellationId: string }): Promise<StopCancellationOutcome>;
  /** Waits (by retrying) until a cancellation that was completing is CANCELLED. */
  awaitCancellationCompleted(cancellationId: string): Promise<void>;
  /**
   * Under the order's row lock: the quantities reopen (only what is still cancelled), the
   * cancellation becomes UNDONE, the order status is recomputed and the undo is UNDONE.
   */
  reopenCancellation(undoId: string): Promise<{ lines: { lineId: string; quantity: number }[] }>;
  reverseRestock(undoId: string): Promise<{ reversed: boolean }>;
  notifyChannelOfUndo(undoId: string): Promise<{ skipped?: 'THIRD_PARTY_MANAGED' | 'OWN_SHOP' }>;
  failUndo(input: { undoId: string; reason: string }): Promise<void>;
}

/** A payment request as the payment service shows it (GET /payment-requests/:id). */
export type PaymentRequestView = PaymentRequestBody;

export interface UndoPaymentActivities {
  /** The cancellation's refund parts now, with what the provider can still do for each. */
  assessUndoMoney(input: { cancellationId: string; orderId: string }): Promise<UndoRefundPart[]>;
  /** Takes points/credit back (atomically); refused (LedgerSpent, for good) if they were spent. */
  takeBackLedger(input: { undoId: string; orderId: string; partId: string; amount: number }): Promise<void>;
  /** Gives back what takeBackLedger took for this undo (the undo failed). */
  restoreLedger(input: { undoId: string }): Promise<{ restored: number }>;
  /** Cancels a pending card refund at the provider; false when it settled meanwhile. */
  stopRefundPart(input: { undoId: string; partId: string }): Promise<{ stopped: boolean }>;
  /** Recaptures on the card's authorisation, once per undo and part; false when expired. */
  recapture(input: { undoId: string; orderId: string; partId: string; amount: number; currency: string }): Promise<{
    recaptured: boolean;
    recaptureId?: string;
    reason?: string;
  }>;
  requestPayment(input: {
    undoId: string;
    round: number;
    cancellationId: string;
    orderId: string;
    amount: number;
    currency: string;
    dueAt: string;
  }): Promise<PaymentRequestView>;
  getPaymentRequest(paymentRequestId: string): Promise<PaymentRequestView>;
  /** An OPEN request with no payment event: asks the provider, and a payment it has counts as its event would. */
  reconcilePaymentRequest(paymentRequestId: string): Promise<PaymentRequestView>;
  /** OPEN -> EXPIRED at the deadline; a request paid meanwhile stays PAID. */
  expirePaymentRequest(paymentRequestId: string): Promise<PaymentRequestView>;
}
