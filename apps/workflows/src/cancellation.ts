/**
 * The cancellation: reserve the lines (done by the API before this starts), restock if
 * asked, tell the channel, refund, and only when the refund has succeeded complete as CANCELLED.
 * A failed refund keeps the cancellation IN_PROGRESS and waits for support to retry it.
 */
import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import type { CancellationContext, RefundOutcome, RefundProgress } from './contracts/cancellation.ts';
import { describeChannelNotice, type CancellationStep } from '@cancelflow/domain/cancellation';
import {
  abortForUndoUpdate,
  cancellationStateQuery,
  disputeClosedSignal,
  refundSettledSignal,
  retryRefundUpdate,
  type CancellationProcessState,
  type CancellationWorkflowInput,
} from './contracts/cancellation.ts';
import { cancellationLoader, notifications, orders, payments } from './proxies.ts';
import { recheckAfter } from './provider-recheck.ts';

/**
 * A pending refund is not left to one provider event: the workflow asks the provider after the
 * first wait, then again after waits that double up to the longest one (recheckAfter), until it
 * has ended. Histories recorded before asking the provider waited an hour and re-read our own record. */
const RECONCILE_WITH_PROVIDER = 'reconcile-pending-refund-with-provider';
const LEGACY_REFUND_RECHECK = '1 hour';

/**
 * Each activity records the step of its work in the same transaction, and the payments are
 * recorded with the refund they are refunded by. Processes started before recorded every step
 * with an activity of its own after the work, and the payments with one more.
 */
const STEPS_WITH_THEIR_WORK = 'steps-recorded-with-their-work';

export interface CancellationResult {
  status: 'CANCELLED';
  refund: 'SUCCEEDED' | 'NOT_NEEDED';
  refundAttempts: number;
}

/** An undo stopped the process before it completed: the cancellation stays IN_PROGRESS, the undo owns it. */
export interface StoppedForUndoResult {
  status: 'STOPPED_FOR_UNDO';
  undoId: string;
  stoppedAt: string;
}

/** Thrown at a checkpoint once an undo asked to stop: nothing more is done, nothing is in flight. */
class StoppedForUndo extends Error {
  readonly undoId: string;
  readonly stoppedAt: string;
  constructor(undoId: string, stoppedAt: string) {
    super(`stopped for undo ${undoId}`);
    this.undoId = undoId;
    this.stoppedAt = stoppedAt;
  }
}

export async function cancellationWorkflow(input: CancellationWorkflowInput): Promise<CancellationResult | StoppedForUndoResult> {
  try {
    return await runCancellation(input);
  } catch (error) {
    if (!(error instanceof StoppedForUndo)) throw error;
    // The abortForUndo update answers once it sees the stop; let it finish before ending.
    await condition(allHandlersFinished);
    return { status: 'STOPPED_FOR_UNDO', undoId: error.undoId, stoppedAt: error.stoppedAt };
  }
}

async function runCancellation(input: CancellationWorkflowInput): Promise<CancellationResult> {
  const { cancellationId } = input;
  const state: CancellationProcessState = { cancellationId, phase: 'STARTING', refundAttempt: 0, steps: [] };
  let settlementsSeen = 0;
  let settlements = 0;
  /** A refund the payment service said succeeded: final, so it need not be read again. */
  let heardSucceeded: RefundOutcome | undefined;
  let dispute: { resolution: string } | undefined;
  let retry: { staffId: string; note?: string } | undefined;
  let undo: { undoId: string } | undefined;
  let stoppedAt: string | undefined;

  setHandler(cancellationStateQuery, () => state);
  setHandler(refundSettledSignal, ({ outcome }) => {
    settlements += 1;
    if (outcome?.status === 'SUCCEEDED') heardSucceeded = outcome;
  });
  setHandler(disputeClosedSignal, ({ resolution }) => {
    dispute = { resolution };
  });
  setHandler(
    retryRefundUpdate,
    (request) => {
      retry = request;
      return { attempt: state.refundAttempt + 1 };
    },
    {
      validator: (_request) => {
        if (state.phase !== 'REFUND_FAILED') {
          throw new Error(`the refund can only be retried after it failed; it is ${state.phase}`);
        }
      },
    },
  );

  // Undo: accepted only before completing; the story stops at its next checkpoint (between
  // activities, never during one), so the process and the undo never both act on the money.
  setHandler(
    abortForUndoUpdate,
    async (request) => {
      undo ??= request;
      await condition(() => stoppedAt !== undefined);
      return { stoppedAt: stoppedAt!, refundRequested: state.refundAttempt > 0 };
    },
    {
      validator: (_request) => {
        if (state.phase === 'COMPLETING' || state.phase === 'CANCELLED') {
          throw new Error(`the cancellation is ${state.phase === 'CANCELLED' ? 'CANCELLED' : 'completing'}: undo it once it is CANCELLED`);
        }
      },
    },
  );
  const checkpoint = (): void => {
    if (!undo) return;
    stoppedAt = state.phase;
    state.phase = 'STOPPED_FOR_UNDO';
    throw new StoppedForUndo(undo.undoId, stoppedAt);
  };

  const ownSteps = patched(STEPS_WITH_THEIR_WORK);
  /** A step the activity just run wrote with its work; older processes record it after. */
  const step = async (name: CancellationStep, detail?: string, key?: string): Promise<void> => {
    if (!ownSteps) await orders.recordCancellationStep({ cancellationId, step: name, detail, key });
    state.steps.push(name);
  };

  const cancellation = input.cancellation ?? (await cancellationLoader.loadCancellation(cancellationId));
  const orderPayments = { orderId: cancellation.orderId, currency: cancellation.currency, payments: cancellation.payments };
  if (!ownSteps) await payments.recordOrderPayments(orderPayments);
  /** The refund attempt that succeeded: completing records it. */
  let succeeded: RefundProgress | undefined;
  /** The refund attempt under way, and whether its PENDING was recorded. */
  let attempt: RefundProgress | undefined;
  let pendingRecorded = false;

  checkpoint();
  if (cancellation.restock) {
    state.phase = 'RESTOCKING';
    await orders.restockCancellation(cancellationId);
    await step('RESTOCKED');
  }

  checkpoint();
  state.phase = 'NOTIFYING_CHANNEL';
  const notice = await orders.notifyChannelOfCancellation(cancellationId);
  await step('CHANNEL_NOTIFIED', describeChannelNotice(notice));

  let refundDue = true;
  if (notice.disputeId) {
    await step('DISPUTE_OPENED', `dispute ${notice.disputeId}`);
    state.phase = 'WAITING_FOR_DISPUTE';
    await condition(() => dispute !== undefined || undo !== undefined);
    checkpoint();
    // Closing the dispute recorded it; older processes record it here.
    await step('DISPUTE_CLOSED', dispute!.resolution);
    // The marketplace refunded the buyer itself, or nobody is owed money: refunding again would pay twice.
    refundDue = dispute!.resolution === 'SELLER_REFUNDS';
  }

  checkpoint();
  const refund = refundDue ? await refundUntilSucceeded() : 'NOT_NEEDED';
  const refundNotNeeded =
    refund === 'NOT_NEEDED' ? (refundDue ? 'nothing to refund' : `dispute closed: ${dispute!.resolution}`) : undefined;
  if (refundNotNeeded !== undefined) {
    // No refund carried the payments: they are recorded on their own.
    if (ownSteps) await payments.recordOrderPayments(orderPayments);
    // Completing records it with the status.
    await step('REFUND_NOT_NEEDED', refundNotNeeded);
  }

  checkpoint();
  state.phase = 'COMPLETING';
  if (ownSteps) {
    await orders.completeCancellation(cancellationId, succeeded ? { refund: succeeded } : { refundNotNeeded });
  } else {
    await orders.completeCancellation(cancellationId);
  }
  state.phase = 'CANCELLED';
  state.steps.push('CANCELLED'); // recorded by completeCancellation together with the status

  await notifications.sendEmail({
    messageKey: `cancellation-confirmed:${cancellationId}`,
    to: cancellation.customer.email,
    template: 'CANCELLATION_CONFIRMED',
    orderId: cancellation.orderId,
    data: emailData(cancellation, refund === 'NOT_NEEDED' ? 0 : cancellation.amount),
  });
  // The email is the notification service's; the step is the order service's: it follows the email.
  if (ownSteps) await orders.recordCustomerNotified(cancellationId);
  else await orders.recordCancellationStep({ cancellationId, step: 'CUSTOMER_NOTIFIED' });
  state.steps.push('CUSTOMER_NOTIFIED');

  return { status: 'CANCELLED', refund, refundAttempts: state.refundAttempt };

  async function refundUntilSucceeded(): Promise<'SUCCEEDED' | 'NOT_NEEDED'> {
    if (cancellation.amount === 0 || cancellation.refundMethod === 'NONE') return 'NOT_NEEDED';
    state.phase = 'REFUNDING';
    state.refundAttempt = 1;
    let outcome = await requestRefund(false);
    let waits = 0;
    for (;;) {
      track(outcome);
      if (outcome.status === 'SUCCEEDED') {
        if (ownSteps) {
          succeeded = { ...attempt!, status: 'SUCCEEDED', settled: describeParts(outcome) };
          state.steps.push('REFUND_SUCCEEDED');
        } else {
          await step('REFUND_SUCCEEDED', describeParts(outcome), String(state.refundAttempt));
        }
        return 'SUCCEEDED';
      }
      if (outcome.status === 'PENDING') {
        if (ownSteps && !pendingRecorded) {
          await orders.recordRefund({ cancellationId, refund: { ...attempt!, status: 'PENDING' } });
          pendingRecorded = true;
        }
        state.phase = 'WAITING_FOR_REFUND';
        const asksProvider = patched(RECONCILE_WITH_PROVIDER);
        const wait = asksProvider ? recheckAfter(input, waits++) : (input.refundRecheckInterval ?? LEGACY_REFUND_RECHECK);
        const heard = await condition(() => settlements > settlementsSeen || undo !== undefined, wait);
        checkpoint();
        settlementsSeen = settlements;
        // Heard it succeeded: done. Heard of another move: our record has it. Nothing heard: the
        // event (or our signal) may be lost, ask the provider.
        if (heard && heardSucceeded) outcome = heardSucceeded;
        else if (heard || !asksProvider) outcome = await payments.getRefund(cancellationId);
        else outcome = await payments.reconcileRefund(cancellationId);
        continue;
      }
      await refundFailed(outcome);
      state.phase = 'REFUND_FAILED';
      await condition(() => retry !== undefined || undo !== undefined);
      checkpoint();
      const by = retry!.staffId;
      retry = undefined;
      state.refundAttempt += 1;
      state.phase = 'REFUNDING';
      waits = 0;
      outcome = await requestRefund(true, by);
    }
  }

  async function requestRefund(again: boolean, staffId?: string): Promise<RefundOutcome> {
    const outcome = await payments.requestRefund({
      cancellationId,
      orderId: cancellation.orderId,
      currency: cancellation.currency,
      amount: cancellation.amount,
      refundMethod: cancellation.refundMethod,
      retry: again,
      // The first attempt records the order's payments the refund is planned on.
      ...(ownSteps && !again ? { payments: cancellation.payments } : {}),
    });
    if (ownSteps) {
      // Recorded by whichever activity learns how the attempt goes on (pending, failed or completing).
      attempt = {
        attempt: state.refundAttempt,
        status: outcome.status,
        requested: `attempt ${state.refundAttempt}: ${describeParts(outcome)}`,
        ...(staffId ? { requestedBy: staffId } : {}),
      };
      pendingRecorded = false;
      state.steps.push('REFUND_REQUESTED');
      return outcome;
    }
    await orders.recordCancellationStep({
      cancellationId,
      step: 'REFUND_REQUESTED',
      key: String(state.refundAttempt),
      detail: `attempt ${state.refundAttempt}: ${describeParts(outcome)}`,
      actor: staffId,
    });
    state.steps.push('REFUND_REQUESTED');
    return outcome;
  }

  async function refundFailed(outcome: RefundOutcome): Promise<void> {
    const key = String(state.refundAttempt);
    const failureReason = outcome.failureReason ?? 'the provider declined the refund';
    if (ownSteps) {
      await orders.recordRefund({ cancellationId, refund: { ...attempt!, status: 'FAILED', failureReason } });
      state.steps.push('REFUND_FAILED');
    } else {
      await step('REFUND_FAILED', failureReason, key);
    }
    await notifications.sendEmail({
      messageKey: `refund-failed:${cancellationId}:${key}`,
      to: input.supportEmail ?? 'support@cancelflow.local',
      template: 'REFUND_FAILED_SUPPORT',
      orderId: cancellation.orderId,
      data: { ...emailData(cancellation, cancellation.amount), failureReason: outcome.failureReason ?? null },
    });
  }

  function track(outcome: RefundOutcome): void {
    state.refundStatus = outcome.status;
    state.refundFailureReason = outcome.failureReason;
  }
}

function describeParts(outcome: RefundOutcome): string {
  return outcome.parts.map((p) => `${p.amount} by ${p.channel} ${p.status}`).join(', ') || 'no parts';
}

function emailData(c: CancellationContext, refunded: number): Record<string, string | number | boolean | null> {
  return {
    orderNo: c.channelOrderNo,
    customerName: c.customer.name,
    amount: refunded,
    currency: c.currency,
    refundMethod: c.refundMethod,
    lines: c.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', '),
    cancellationId: c.cancellationId,
  };
}
