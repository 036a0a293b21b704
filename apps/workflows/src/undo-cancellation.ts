/**
 * Undoing a cancellation. The merchant is protected before anything reopens:
 * stop the cancellation's own process (it must not complete, nor move money, from now on), then
 * get the money back — points/credit taken back (refused if spent), a pending card refund
 * stopped at the provider, a settled card refund recaptured while the authorisation lasts, and
 * whatever is left paid again by the customer (payment request, reminders, deadline). Only then
 * the quantities reopen, the restock is reversed, the channel is told, and the customer hears.
 * No payment by the deadline: the undo FAILS, the points come back, the cancellation stays as it
 * was (its process resumes when it had been stopped).
 */
import { ActivityFailure, ApplicationFailure, ParentClosePolicy, condition, patched, setHandler, startChild } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { formatAmount } from '@cancelflow/domain/money';
import { planUndoMoney, sumOfSteps, type UndoMoneyStep, type UndoStep } from '@cancelflow/domain/undo-cancellation';
import { CANCELLATION_WORKFLOW_TYPE } from './contracts/cancellation.ts';
import {
  paymentReceivedSignal,
  undoStateQuery,
  type UndoCancellationWorkflowInput,
  type UndoProcessState,
} from './contracts/undo-cancellation.ts';
import { notifications, undoLoader, undoOrders, undoPayments } from './proxies.ts';
import { recheckAfter } from './provider-recheck.ts';
import type { UndoContext } from './contracts/undo-cancellation.ts';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

const DEFAULT_REMINDER_INTERVAL = '2 days';
const DEFAULT_PAYMENT_DEADLINE = '7 days';
/**
 * An open payment request is not left to one payment event: between reminders the workflow asks
 * the provider on the same schedule as a pending refund. Histories recorded before re-read our
 * own record only at each reminder.
 */
const RECONCILE_PAYMENT_WITH_PROVIDER = 'reconcile-payment-request-with-provider';

export interface UndoResult {
  status: 'UNDONE' | 'FAILED';
  reason?: string;
  collected: { takenBack: number; stopped: number; recaptured: number; paidAgain: number };
}

/** The undo cannot go on: the cancellation stays as it was. */
class UndoRefused extends Error {}

export async function undoCancellationWorkflow(input: UndoCancellationWorkflowInput): Promise<UndoResult> {
  const { undoId } = input;
  const state: UndoProcessState = { undoId, phase: 'STARTING', steps: [], remindersSent: 0 };
  const collected = { takenBack: 0, stopped: 0, recaptured: 0, paidAgain: 0 };
  let paymentsHeard = 0;
  setHandler(undoStateQuery, () => state);
  setHandler(paymentReceivedSignal, () => {
    paymentsHeard += 1;
  });

  const step = async (name: UndoStep, detail?: string, key?: string): Promise<void> => {
    await undoOrders.recordUndoStep({ undoId, step: name, detail, key });
    state.steps.push(name);
  };

  const undo = await undoLoader.loadUndo(undoId);
  if (undo.undoStatus !== 'IN_PROGRESS') return { status: undo.undoStatus, collected };

  const stopped = await stopTheCancellation(undo);
  try {
    state.phase = 'COLLECTING_MONEY';
    await collectTheMoney(undo);
  } catch (error) {
    if (!(error instanceof UndoRefused)) throw error;
    await failTheUndo(undo, error.message, stopped);
    return { status: 'FAILED', reason: error.message, collected };
  }

  state.phase = 'REOPENING';
  const reopened = await undoOrders.reopenCancellation(undoId);
  await step('REOPENED', reopened.lines.map((l) => `${l.quantity} x ${skuOf(undo, l.lineId)}`).join(', '));
  // The undo is done once everything outside the order agrees: the stock and the channel first.
  // (Runs started before this order recorded UNDONE first and replay that way.)
  const inOrder = patched('undo-done-after-restock-and-channel');
  if (!inOrder) {
    await step('UNDONE');
    state.phase = 'UNDONE';
  }
  if ((await undoOrders.reverseRestock(undoId)).reversed) await step('RESTOCK_REVERSED');
  const notice = await undoOrders.notifyChannelOfUndo(undoId);
  await step(
    'CHANNEL_NOTIFIED',
    notice.skipped === 'THIRD_PARTY_MANAGED'
      ? 'not synced: managed by a third party'
      : notice.skipped === 'OWN_SHOP'
        ? 'own web shop'
        : 'marketplace told the lines are open again',
  );
  if (inOrder) {
    await step('UNDONE');
    state.phase = 'UNDONE';
  }
  await notifications.sendEmail({
    messageKey: `cancellation-undone:${undoId}`,
    to: undo.customer.email,
    template: 'CANCELLATION_UNDONE',
    orderId: undo.orderId,
    data: { orderNo: undo.channelOrderNo, customerName: undo.customer.name, lines: linesText(undo), moneySteps: describeCollected() },
  });
  await step('CUSTOMER_NOTIFIED');
  return { status: 'UNDONE', collected };

  /** IN_PROGRESS: its process must stop first, without completing. Completing already: wait for CANCELLED. */
  async function stopTheCancellation(u: UndoContext): Promise<boolean> {
    if (u.cancellationStatus !== 'IN_PROGRESS') return false;
    state.phase = 'STOPPING_CANCELLATION';
    const outcome = await undoOrders.stopCancellationProcess({ undoId, cancellationId: u.cancellationId });
    if (outcome.outcome === 'STOPPED') {
      await step('CANCELLATION_PROCESS_STOPPED', outcome.phase ? `stopped while ${outcome.phase}` : undefined);
      return true;
    }
    await undoOrders.awaitCancellationCompleted(u.cancellationId);
    await step('CANCELLATION_COMPLETED_FIRST', 'the cancellation was completing: it is CANCELLED, then undone');
    return false;
  }

  async function collectTheMoney(u: UndoContext): Promise<void> {
    const parts = await undoPayments.assessUndoMoney({ cancellationId: u.cancellationId, orderId: u.orderId });
    const plan = planUndoMoney(u.amount, parts);
    if (plan.length === 0) {
      await step('NOTHING_TO_COLLECT', 'the cancellation gave no money back');
      return;
    }
    // Points and credit first: atomic, refused if spent, and given back if the undo fails later.
    for (const s of plan.filter((p) => p.action === 'TAKE_BACK_LEDGER')) {
      try {
        await undoPayments.takeBackLedger({ undoId, orderId: u.orderId, partId: s.partId, amount: s.amount });
      } catch (error) {
        if (isFailure(error, ACTIVITY_FAILURES.ledgerSpent)) throw new UndoRefused(failureMessage(error));
        throw error;
      }
      collected.takenBack += s.amount;
      await step('LEDGER_TAKEN_BACK', `${money(s.amount)} of ${s.channel} taken back`, s.partId);
    }
    // What only the customer can pay: asked for before any card money moves, so a deadline
    // passing leaves nothing to undo at the provider.
    let round = 0;
    const payAgain = sumOfSteps(plan, 'PAY_AGAIN');
    if (payAgain > 0)
      await payAgainOrRefuse(
        u,
        ++round,
        payAgain,
        plan.filter((p) => p.action === 'PAY_AGAIN'),
      );
    let left = 0;
    for (const s of plan.filter((p) => p.action === 'STOP_REFUND')) {
      const { stopped } = await undoPayments.stopRefundPart({ undoId, partId: s.partId });
      if (stopped) {
        collected.stopped += s.amount;
        await step('REFUND_STOPPED', `card refund of ${money(s.amount)} cancelled at the provider before it settled`, s.partId);
      } else {
        await step('REFUND_NOT_STOPPABLE', `card refund of ${money(s.amount)} settled meanwhile: recapture or pay again`, s.partId);
        left += await recaptureOrLeave(u, s);
      }
    }
    for (const s of plan.filter((p) => p.action === 'RECAPTURE')) left += await recaptureOrLeave(u, s);
    if (left > 0) await payAgainOrRefuse(u, ++round, left, []);

    function money(amount: number): string {
      return `${formatAmount(amount, u.currency)}`;
    }
  }

  /** Returns what could not be recaptured (the authorisation expired): the customer pays it again. */
  async function recaptureOrLeave(u: UndoContext, s: UndoMoneyStep): Promise<number> {
    const result = await undoPayments.recapture({ undoId, orderId: u.orderId, partId: s.partId, amount: s.amount, currency: u.currency });
    if (result.recaptured) {
      collected.recaptured += s.amount;
      await step('RECAPTURED', `${formatAmount(s.amount, u.currency)} recaptured on the card`, s.partId);
      return 0;
    }
    await step(
      'RECAPTURE_REFUSED',
      `${formatAmount(s.amount, u.currency)}: ${result.reason ?? 'the provider refused'}; the customer pays again`,
      s.partId,
    );
    return s.amount;
  }

  /** One payment request, reminders while it is open, the deadline; refused when it passes unpaid. */
  async function payAgainOrRefuse(u: UndoContext, round: number, amount: number, why: readonly UndoMoneyStep[]): Promise<void> {
    const deadline = Date.now() + msToNumber(input.paymentDeadline ?? DEFAULT_PAYMENT_DEADLINE);
    const remindEvery = msToNumber(input.paymentReminderInterval ?? DEFAULT_REMINDER_INTERVAL);
    const request = await undoPayments.requestPayment({
      undoId,
      round,
      cancellationId: u.cancellationId,
      orderId: u.orderId,
      amount,
      currency: u.currency,
      dueAt: new Date(deadline).toISOString(),
    });
    state.paymentRequestId = request.id;
    const because = why.length ? ` (${why.map((s) => `${formatAmount(s.amount, u.currency)} refunded by ${s.channel}`).join(', ')})` : '';
    await step(
      'PAYMENT_REQUESTED',
      `${formatAmount(amount, u.currency)}${because}, payment request ${request.id}, due ${request.dueAt}`,
      request.id,
    );
    const emailData = (reminder: number) => ({
      orderNo: u.channelOrderNo,
      customerName: u.customer.name,
      amount,
      currency: u.currency,
      paymentRequestId: request.id,
      dueAt: request.dueAt,
      lines: linesText(u),
      reminder,
    });
    await notifications.sendEmail({
      messageKey: `payment-request:${request.id}`,
      to: u.customer.email,
      template: 'PAYMENT_REQUEST',
      orderId: u.orderId,
      data: emailData(0),
    });

    state.phase = 'WAITING_FOR_PAYMENT';
    const asksProvider = patched(RECONCILE_PAYMENT_WITH_PROVIDER);
    let heard = paymentsHeard;
    let nextReminder = Date.now() + remindEvery;
    let asks = 0;
    for (;;) {
      const current = await undoPayments.getPaymentRequest(request.id);
      if (current.status === 'PAID') break;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const final = await undoPayments.expirePaymentRequest(request.id);
        if (final.status === 'PAID') break; // paid at the last moment
        await step('PAYMENT_DEADLINE_PASSED', `${formatAmount(amount, u.currency)} not paid by ${request.dueAt}`, String(round));
        throw new UndoRefused(`the customer did not pay ${formatAmount(amount, u.currency)} again by ${request.dueAt}`);
      }
      const wait = asksProvider
        ? Math.min(recheckAfter(input.cancellationProcess, asks), Math.max(1, nextReminder - Date.now()), remaining)
        : Math.min(remindEvery, remaining);
      const signalled = await condition(() => paymentsHeard > heard, wait);
      heard = paymentsHeard;
      if (signalled || Date.now() >= deadline) continue;
      if (asksProvider) {
        // Nothing heard: the payment event (or our signal) may be lost, ask the provider.
        asks += 1;
        if ((await undoPayments.reconcilePaymentRequest(request.id)).status === 'PAID') break;
        if (Date.now() < nextReminder) continue;
        nextReminder += remindEvery;
      } else if ((await undoPayments.getPaymentRequest(request.id)).status === 'PAID') {
        break;
      }
      state.remindersSent += 1;
      await notifications.sendEmail({
        messageKey: `payment-request-reminder:${request.id}:${state.remindersSent}`,
        to: u.customer.email,
        template: 'PAYMENT_REQUEST_REMINDER',
        orderId: u.orderId,
        data: emailData(state.remindersSent),
      });
      await step('PAYMENT_REMINDER_SENT', `reminder ${state.remindersSent}`, `${round}:${state.remindersSent}`);
    }
    collected.paidAgain += amount;
    state.phase = 'COLLECTING_MONEY';
    await step('PAYMENT_RECEIVED', `${formatAmount(amount, u.currency)} paid again (payment request ${request.id})`, String(round));
  }

  /** The undo failed: points come back, the undo is FAILED, and a stopped cancellation resumes. */
  async function failTheUndo(u: UndoContext, reason: string, cancellationStopped: boolean): Promise<void> {
    state.phase = 'FAILED';
    state.failureReason = reason;
    const { restored } = await undoPayments.restoreLedger({ undoId });
    if (restored > 0)
      await step('LEDGER_RESTORED', `${formatAmount(restored, u.currency)} of points/credit given back to the customer again`);
    await undoOrders.failUndo({ undoId, reason });
    await step('FAILED', reason);
    if (cancellationStopped) {
      // Same workflow id, new run: every step of it is idempotent, so it picks up where it was.
      await startChild(CANCELLATION_WORKFLOW_TYPE, {
        workflowId: u.cancellationWorkflowId,
        taskQueue: TASK_QUEUES.cancellations,
        args: [{ ...input.cancellationProcess, cancellationId: u.cancellationId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      await step('CANCELLATION_PROCESS_RESUMED', 'the cancellation goes on as before the undo');
    }
  }

  function describeCollected(): string {
    const parts = [
      collected.stopped ? `refund of ${formatAmount(collected.stopped, undo.currency)} stopped` : '',
      collected.recaptured ? `${formatAmount(collected.recaptured, undo.currency)} recaptured on your card` : '',
      collected.paidAgain ? `${formatAmount(collected.paidAgain, undo.currency)} paid again` : '',
      collected.takenBack ? `${formatAmount(collected.takenBack, undo.currency)} in points/credit taken back` : '',
    ].filter(Boolean);
    return parts.length ? parts.join(', ') : 'nothing had been refunded';
  }
}

function linesText(u: UndoContext): string {
  return u.lines.map((l) => `${l.quantity} x ${l.sku}`).join('\n');
}

function skuOf(u: UndoContext, lineId: string): string {
  return u.lines.find((l) => l.lineId === lineId)?.sku ?? lineId;
}

function isFailure(error: unknown, type: string): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === type;
}

function failureMessage(error: unknown): string {
  return error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
}
