/**
 * The cancellation: everything a caller of the process needs, in one module — its
 * workflow type and id, input, state, signals, updates and query, and the activities it asks of
 * the services. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { CancellationProcessState } from '@cancelflow/domain';
import type { CancellationReason, CancellationStep, RefundMethod } from '@cancelflow/domain/cancellation';
import type { Channel } from '@cancelflow/domain/channel-policies';
import type { PaymentMethod } from '@cancelflow/domain/order';
import type { RefundChannel, RefundStatus } from '@cancelflow/domain/refund';

export { cancellationWorkflowId } from '@cancelflow/domain/cancellation';
export type { CancellationProcessState } from '@cancelflow/domain';
export type { NotificationActivities } from './notifications.ts';

export const CANCELLATION_WORKFLOW_TYPE = 'cancellationWorkflow';

export interface CancellationWorkflowInput {
  cancellationId: string;
  /**
   * The cancellation as it was reserved, in the transaction that starts the process: the process
   * does not load it. Processes started without it (before it was passed) load it first.
   */
  cancellation?: CancellationContext;
  /**
   * A pending refund with no provider event is asked for at the provider after refundRecheckFirst
   * (default 10 seconds), then after waits that double up to refundRecheckInterval (default 10 minutes).
   */
  refundRecheckFirst?: Duration;
  refundRecheckInterval?: Duration;
  /** Where refund failures are reported (default support@cancelflow.local). */
  supportEmail?: string;
}

/**
 * The payment service saw the provider settle or fail a refund. `outcome` is the refund as it was
 * when the signal was sent: a SUCCEEDED one is final and taken as it is; anything else (or a
 * signal without it, as sent before) is re-read from the payment service.
 */
export const refundSettledSignal = defineSignal<[{ refundId: string; outcome?: RefundOutcome }]>('refundSettled');

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

// The activities the process asks of the services (types only; every one idempotent on the business id it takes).

export interface CancellationContext {
  cancellationId: string;
  orderId: string;
  merchantId: string;
  channel: Channel;
  channelOrderNo: string;
  thirdPartyManaged: boolean;
  currency: string;
  /**
   * The amount to refund, in minor units: priced once, when the cancellation was reserved, by the
   * domain's rule (planCancellationRefund: the lines less their share of the discounts, and the
   * shipping with the last open unit).
   */
  amount: number;
  refundMethod: RefundMethod;
  restock: boolean;
  reason: CancellationReason;
  customer: { email: string; name: string };
  lines: { lineId: string; lineNo: number; sku: string; quantity: number; unitPrice: number }[];
  /** The order's payments as the channel reported them at import. */
  payments: { method: PaymentMethod; amount: number; reference: string }[];
}

export interface ChannelNotification {
  /** Why the marketplace was not told, when it was not. */
  skipped?: 'THIRD_PARTY_MANAGED' | 'OWN_SHOP';
  /** eBay: cancelling a paid, unshipped order opens a dispute that must close first. */
  disputeId?: string;
}

/**
 * A refund attempt as the cancellation records it: what the provider answered to the request and,
 * once known, how it ended.
 */
export interface RefundProgress {
  attempt: number;
  status: RefundStatus;
  /** What the provider answered to the request (the REFUND_REQUESTED step). */
  requested: string;
  /** Who asked for this attempt, when support retried a failed refund. */
  requestedBy?: string;
  /** The parts as they settled (the REFUND_SUCCEEDED step). */
  settled?: string;
  failureReason?: string;
}

/** Why the cancellation completes: its refund succeeded, or none was needed (and why). */
export interface CompletionOutcome {
  refund?: RefundProgress;
  refundNotNeeded?: string;
}

/**
 * Each activity that does a step's work records the step in the same transaction, once per step
 * and key: a retry after the commit finds it there and writes nothing again.
 */
export interface OrderActivities {
  /** Reads the cancellation the workflow runs for; fails for good when it does not exist. */
  loadCancellation(cancellationId: string): Promise<CancellationContext>;
  /** Restocks the cancelled units and records RESTOCKED. */
  restockCancellation(cancellationId: string): Promise<void>;
  /** Tells the channel and records CHANNEL_NOTIFIED (and DISPUTE_OPENED with the dispute it opens). */
  notifyChannelOfCancellation(cancellationId: string): Promise<ChannelNotification>;
  /** A refund attempt still PENDING or FAILED: the cancellation's refund status and its steps. */
  recordRefund(input: { cancellationId: string; refund: RefundProgress }): Promise<void>;
  /**
   * IN_PROGRESS -> CANCELLED, only after the refund succeeded or was not needed; the refund's
   * steps and CANCELLED are written with the status.
   */
  completeCancellation(cancellationId: string, outcome?: CompletionOutcome): Promise<void>;
  /** The customer was sent the confirmation: records CUSTOMER_NOTIFIED. */
  recordCustomerNotified(cancellationId: string): Promise<void>;
  /**
   * Appends a step to the cancellation (once per step and key). Processes started before the
   * activities recorded their own steps still call it; new ones do not.
   */
  recordCancellationStep(input: {
    cancellationId: string;
    step: CancellationStep;
    detail?: string;
    actor?: string;
    /** Distinguishes repeated steps, e.g. one REFUND_REQUESTED per attempt. */
    key?: string;
  }): Promise<void>;
}

export interface RefundOutcome {
  refundId: string;
  status: RefundStatus;
  failureReason?: string;
  parts: { channel: RefundChannel; amount: number; status: RefundStatus }[];
}

export interface PaymentActivities {
  /** Records the order's payments as imported (idempotent on order and reference). */
  recordOrderPayments(input: { orderId: string; currency: string; payments: CancellationContext['payments'] }): Promise<void>;
  /**
   * Refunds a cancellation, idempotent on cancellationId: asking again returns the same refund.
   * With retry, the parts that failed are submitted again (under a new provider idempotency key).
   */
  requestRefund(input: {
    cancellationId: string;
    orderId: string;
    currency: string;
    amount: number;
    refundMethod: RefundMethod;
    retry?: boolean;
    /** The order's payments as imported, recorded before the refund is planned on them (idempotent). */
    payments?: CancellationContext['payments'];
  }): Promise<RefundOutcome>;
  getRefund(cancellationId: string): Promise<RefundOutcome>;
  /**
   * A refund still PENDING after its expected time: asks the provider, applies its answer as its
   * event would have been (once, whichever comes first), and returns the refund as it now is.
   */
  reconcileRefund(cancellationId: string): Promise<RefundOutcome>;
}
