/**
 * Signals, updates and queries of every process, defined once and imported by the services
 * that send them. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancellationStep, RefundStatus } from '@cancelflow/domain';

export const CANCELLATION_WORKFLOW_TYPE = 'cancellationWorkflow';

export interface CancellationWorkflowInput {
  cancellationId: string;
  /** How often a pending refund is re-read if no provider event arrives (default 1 hour). */
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
    | 'CANCELLED';
  refundStatus?: RefundStatus;
  refundFailureReason?: string;
  refundAttempt: number;
  steps: CancellationStep[];
}

export const cancellationStateQuery = defineQuery<CancellationProcessState>('cancellationState');
