/**
 * Process 1, the cancellation: everything a caller of the process needs, in one module — its
 * workflow type and id, input, state, signals, updates and query, and the activities it asks of
 * the services. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancellationProcessState } from '@cancelflow/domain';

export { cancellationWorkflowId } from '@cancelflow/domain/cancellation';
export type { CancellationProcessState } from '@cancelflow/domain';
export type {
  CancellationContext,
  ChannelNotification,
  NotificationActivities,
  OrderActivities,
  PaymentActivities,
  RefundOutcome,
} from '@cancelflow/domain/activities';

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
export const disputeClosedSignal = defineSignal<[{ disputeId: string; resolution: string }]>('disputeClosed');

/** Support asks to try a failed refund again. Refused unless the refund has failed. */
export const retryRefundUpdate = defineUpdate<{ attempt: number }, [{ staffId: string; note?: string }]>('retryRefund');

export const cancellationStateQuery = defineQuery<CancellationProcessState>('cancellationState');

/**
 * An undo of this cancellation asks its process to stop. Accepted only before the process starts
 * completing the cancellation; answered once the process has stopped acting (no activity of it in
 * flight, none to come), after which it ends without completing. The undo then owns the money.
 */
export const abortForUndoUpdate = defineUpdate<{ stoppedAt: string; refundRequested: boolean }, [{ undoId: string }]>('abortForUndo');
