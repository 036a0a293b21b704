/**
 * The customer's cancellation request. Not yet retrieved by the shop: the order
 * service cancelled at once (AUTO_ACCEPTED) and this process only tells the customer. Otherwise
 * the merchant decides: accept (a cancellation follows, with the customer's reason) or reject
 * (already shipped -> the answer is a return); the customer may withdraw; a shipment closes the
 * request. While nobody answers, the merchant is reminded, and escalated to after a deadline.
 */
import { ActivityFailure, ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { EmailTemplate } from '@cancelflow/domain/activities';
import {
  acceptCancellationRequestUpdate,
  cancellationRequestStateQuery,
  rejectCancellationRequestUpdate,
  shipmentRecordedSignal,
  withdrawCancellationRequestUpdate,
  type CancellationRequestProcessState,
  type CustomerCancellationRequestInput,
} from './contracts/customer-cancellation-request.ts';
import { notifications, requestLoader, requests } from './proxies.ts';
import type { CancellationRequestContext } from './contracts/customer-cancellation-request.ts';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

export const DEFAULT_REMINDER_INTERVAL = '4 hours';
export const DEFAULT_ESCALATE_AFTER = '48 hours';
const DEFAULT_MERCHANT_EMAIL = 'merchant-support@cancelflow.local';
/** Histories recorded before this did not re-read the request at each wake. */
const REREAD_BEFORE_REMINDING = 'reread-request-before-reminding';

type Outcome =
  | { kind: 'ACCEPTED'; cancellationId: string }
  | { kind: 'REJECTED'; reason: string; returnInstead: boolean }
  | { kind: 'REJECTED_SHIPPED' }
  | { kind: 'WITHDRAWN' };

export interface CancellationRequestResult {
  outcome: Outcome['kind'] | 'AUTO_ACCEPTED' | 'ALREADY_CLOSED';
  remindersSent: number;
  escalated: boolean;
  cancellationId?: string;
}

export async function customerCancellationRequestWorkflow(input: CustomerCancellationRequestInput): Promise<CancellationRequestResult> {
  const { requestId } = input;
  const state: CancellationRequestProcessState = { requestId, phase: 'STARTING', remindersSent: 0, escalated: false };
  let outcome: Outcome | undefined;
  /** An answer is being written (an update's activity runs): no second answer meanwhile. */
  let deciding = false;

  setHandler(cancellationRequestStateQuery, () => state);
  setHandler(
    acceptCancellationRequestUpdate,
    (args) =>
      decide(async () => {
        const accepted = await requests.acceptCancellationRequest({ requestId, ...args });
        outcome = { kind: 'ACCEPTED', cancellationId: accepted.cancellationId };
        return accepted;
      }),
    { validator: (_args) => assertOpen() },
  );
  setHandler(
    rejectCancellationRequestUpdate,
    (args) =>
      decide(async () => {
        const rejected = await requests.rejectCancellationRequest({ requestId, ...args });
        outcome = { kind: 'REJECTED', reason: args.reason, returnInstead: rejected.returnInstead };
        return rejected;
      }),
    { validator: (_args) => assertOpen() },
  );
  setHandler(
    withdrawCancellationRequestUpdate,
    (args) =>
      decide(async () => {
        await requests.withdrawCancellationRequest({ requestId, ...(args.comment ? { comment: args.comment } : {}) });
        outcome = { kind: 'WITHDRAWN' };
        return { status: 'WITHDRAWN' as const };
      }),
    { validator: (_args) => assertOpen() },
  );
  // The order service already closed the request in the same transaction that saw the shipment.
  setHandler(shipmentRecordedSignal, () => {
    outcome ??= { kind: 'REJECTED_SHIPPED' };
  });

  const request = await requestLoader.loadCancellationRequest(requestId);

  if (request.status === 'AUTO_ACCEPTED') {
    state.phase = 'AUTO_ACCEPTED';
    state.cancellationId = request.cancellationId;
    await tellCustomer(request, 'CANCELLATION_REQUEST_ACCEPTED', 'accepted', { automatic: true });
    return result('AUTO_ACCEPTED');
  }
  if (request.status !== 'REQUESTED') {
    // A shipment closed it before this process got going: the customer still hears about it.
    if (outcome?.kind === 'REJECTED_SHIPPED') {
      await answerCustomer(request, outcome);
      return result(outcome.kind);
    }
    // Started again for a request that was answered meanwhile: nothing is left to do.
    return result('ALREADY_CLOSED');
  }

  await tellCustomer(request, 'CANCELLATION_REQUEST_RECEIVED', 'received');
  const answer = await waitForMerchant(request);
  await answerCustomer(request, answer);
  return result(answer.kind);

  /** Reminders at each interval, one escalation at the deadline, until someone answers. */
  async function waitForMerchant(req: CancellationRequestContext): Promise<Outcome> {
    state.phase = 'WAITING_FOR_MERCHANT';
    const reminderEvery = msToNumber(input.reminderInterval ?? DEFAULT_REMINDER_INTERVAL);
    const escalateAt = Date.now() + msToNumber(input.escalateAfter ?? DEFAULT_ESCALATE_AFTER);
    let nextReminder = Date.now() + reminderEvery;
    for (;;) {
      const wakeAt = state.escalated ? nextReminder : Math.min(nextReminder, escalateAt);
      if (await condition(() => outcome !== undefined, Math.max(wakeAt - Date.now(), 1))) return outcome!;
      if (deciding) continue; // an answer is being written: it will end the wait
      if (patched(REREAD_BEFORE_REMINDING)) {
        // A shipment closes the request in the order service, then signals: a crash between the
        // two must not leave this process reminding the merchant of a closed request forever.
        const now = await requests.loadCancellationRequest(requestId);
        if (outcome !== undefined) return outcome;
        if (now.status === 'REJECTED' && !deciding) return (outcome = { kind: 'REJECTED_SHIPPED' });
      }
      const now = Date.now();
      if (!state.escalated && now >= escalateAt) await escalate(req);
      if (now >= nextReminder) {
        await remindMerchant(req);
        nextReminder += reminderEvery;
      }
    }
  }

  async function remindMerchant(req: CancellationRequestContext): Promise<void> {
    const n = state.remindersSent + 1;
    await notifications.sendEmail({
      messageKey: `cancellation-request-reminder:${requestId}:${n}`,
      to: input.merchantEmail ?? DEFAULT_MERCHANT_EMAIL,
      template: 'CANCELLATION_REQUEST_REMINDER',
      orderId: req.orderId,
      data: { ...emailData(req), reminder: n },
    });
    await requests.recordCancellationRequestEvent({
      requestId,
      type: 'CANCELLATION_REQUEST_REMINDER_SENT',
      key: String(n),
      detail: `reminder ${n}`,
    });
    state.remindersSent = n;
  }

  async function escalate(req: CancellationRequestContext): Promise<void> {
    await notifications.sendEmail({
      messageKey: `cancellation-request-escalation:${requestId}`,
      to: input.merchantEmail ?? DEFAULT_MERCHANT_EMAIL,
      template: 'CANCELLATION_REQUEST_ESCALATION',
      orderId: req.orderId,
      data: emailData(req),
    });
    await requests.recordCancellationRequestEvent({ requestId, type: 'CANCELLATION_REQUEST_ESCALATED', key: 'escalation' });
    state.escalated = true;
  }

  async function answerCustomer(req: CancellationRequestContext, answer: Outcome): Promise<void> {
    switch (answer.kind) {
      case 'ACCEPTED':
        state.phase = 'ACCEPTED';
        state.cancellationId = answer.cancellationId;
        return tellCustomer(req, 'CANCELLATION_REQUEST_ACCEPTED', 'accepted', { automatic: false });
      case 'REJECTED':
        state.phase = 'REJECTED';
        return answer.returnInstead
          ? tellCustomer(req, 'CANCELLATION_REQUEST_REJECTED_RETURN', 'rejected', { rejectionReason: answer.reason, shipped: false })
          : tellCustomer(req, 'CANCELLATION_REQUEST_REJECTED', 'rejected', { rejectionReason: answer.reason });
      case 'REJECTED_SHIPPED':
        state.phase = 'REJECTED_SHIPPED';
        return tellCustomer(req, 'CANCELLATION_REQUEST_REJECTED_RETURN', 'rejected', {
          rejectionReason: 'your order shipped before your request could be handled',
          shipped: true,
        });
      case 'WITHDRAWN':
        state.phase = 'WITHDRAWN';
        return;
    }
  }

  async function tellCustomer(
    req: CancellationRequestContext,
    template: EmailTemplate,
    key: string,
    extra: Record<string, string | number | boolean | null> = {},
  ): Promise<void> {
    await notifications.sendEmail({
      messageKey: `cancellation-request-${key}:${requestId}`,
      to: req.customer.email,
      template,
      orderId: req.orderId,
      data: { ...emailData(req), ...extra },
    });
  }

  /** Runs one answer at a time; a refused answer goes back to the caller, the request stays open. */
  async function decide<T>(write: () => Promise<T>): Promise<T> {
    await condition(() => state.phase !== 'STARTING' && !deciding);
    if (outcome !== undefined) {
      throw ApplicationFailure.create({
        message: `the cancellation request is already closed (${outcome.kind})`,
        type: ACTIVITY_FAILURES.conflict,
        nonRetryable: true,
      });
    }
    deciding = true;
    state.phase = 'DECIDING';
    try {
      return await write();
    } catch (error) {
      throw asUpdateFailure(error);
    } finally {
      deciding = false;
      if (outcome === undefined) state.phase = 'WAITING_FOR_MERCHANT';
    }
  }

  /**
   * Only a closed request refuses an answer (409, "already decided"). An answer that arrives while
   * the process is still being set up, or while another answer is being written, waits its turn:
   * a 201 from POST .../cancellation-requests means the request can be decided.
   */
  function assertOpen(): void {
    if (outcome !== undefined) throw new Error(`the cancellation request is already closed (${outcome.kind})`);
  }

  function result(kind: CancellationRequestResult['outcome']): CancellationRequestResult {
    return {
      outcome: kind,
      remindersSent: state.remindersSent,
      escalated: state.escalated,
      ...(state.cancellationId ? { cancellationId: state.cancellationId } : {}),
    };
  }
}

/** The activity's business error (its type and message) becomes the update's failure. */
function asUpdateFailure(error: unknown): unknown {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({ message: error.cause.message, type: error.cause.type ?? 'Error', nonRetryable: true });
  }
  return error;
}

function emailData(req: CancellationRequestContext): Record<string, string | number | boolean | null> {
  return {
    orderNo: req.channelOrderNo,
    customerName: req.customer.name,
    requestId: req.requestId,
    lines: req.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', '),
    reason: req.reason,
    comment: req.comment ?? null,
    requestedAt: req.createdAt,
  };
}
