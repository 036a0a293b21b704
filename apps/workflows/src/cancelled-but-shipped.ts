/**
 * Cancelled but shipped: goods shipped for quantities that were already cancelled.
 * The cancelled-but-shipped process runs in order and no step can be skipped:
 *   1. email the customer: shipped though cancelled, will be rebilled (carrier, tracking, no links);
 *   2. wait for the customer's acknowledgement: a reply to that email, support's record of the
 *      customer's words, or the customer's answer on the self-service page; remind while waiting;
 *      a refusal or no answer by the deadline turns the cancelled-but-shipped process into a return, the customer is
 *      emailed that the item is to be returned, and nothing is rebilled;
 *   3. forward the acknowledged email thread to seller support;
 *   4. support approves the rebill; the payment service rebills exactly the shipped-after-cancel amount;
 *   5. a credit memo pays the seller, referencing the recorded acknowledgement.
 */
import { condition, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { formatAmount } from '@cancelflow/domain/money';
import {
  ACKNOWLEDGEMENT_CHANNEL_LABELS,
  readAcknowledgement,
  type CancelledButShippedStep,
} from '@cancelflow/domain/cancelled-but-shipped';
import {
  approveRebillUpdate,
  cancelledButShippedStateQuery,
  emailReplyReceivedSignal,
  recordAcknowledgementUpdate,
  type StartedCancelledButShippedInput,
  type RecordAcknowledgementArgs,
  type CancelledButShippedProcessState,
  type EmailReply,
} from './contracts/cancelled-but-shipped.ts';
import {
  cancelledButShippedLoader,
  cancelledButShippedNotifications,
  cancelledButShippedOrders,
  cancelledButShippedPayments,
  notifications,
} from './proxies.ts';
import type { CancelledButShippedContext, RecordedAcknowledgement } from './contracts/cancelled-but-shipped.ts';

const DEFAULT_REMINDER_INTERVAL = '3 days';
const DEFAULT_ACKNOWLEDGEMENT_DEADLINE = '14 days';
const DEFAULT_SELLER_SUPPORT = 'seller-support@cancelflow.local';

export interface CancelledButShippedResult {
  outcome: 'REBILLED' | 'RETURN_REQUESTED';
  creditMemoId?: string;
  rebillId?: string;
}

export async function cancelledButShippedWorkflow(input: StartedCancelledButShippedInput): Promise<CancelledButShippedResult> {
  const cancelledButShippedId = 'cancelledButShippedId' in input ? input.cancelledButShippedId : input.chainId;
  const workflowId = workflowInfo().workflowId;
  const state: CancelledButShippedProcessState = { cancelledButShippedId, phase: 'STARTING', remindersSent: 0, undecidedReplies: 0 };
  const replies: EmailReply[] = [];
  const seenReplies = new Set<string>();
  let staffRecord: RecordAcknowledgementArgs | undefined;
  let approval: { staffId: string } | undefined;

  setHandler(cancelledButShippedStateQuery, () => state);
  setHandler(emailReplyReceivedSignal, (reply) => {
    if (seenReplies.has(reply.mailboxMessageId)) return;
    seenReplies.add(reply.mailboxMessageId);
    replies.push(reply);
  });
  setHandler(recordAcknowledgementUpdate, (record) => {
    if (state.phase !== 'WAITING_FOR_ACKNOWLEDGEMENT' || staffRecord) {
      return {
        recorded: false,
        refusedBecause:
          state.phase === 'STARTING' || state.phase === 'EMAILING_CUSTOMER'
            ? 'the customer has not been emailed yet: the acknowledgement can only be recorded after the email went out'
            : `the acknowledgement is already settled (${state.acknowledgement ? `${state.acknowledgement.accepted ? 'accepted' : 'refused'} by ${state.acknowledgement.by}` : state.phase})`,
      };
    }
    staffRecord = record;
    return { recorded: true, accepted: record.accepted };
  });
  setHandler(approveRebillUpdate, ({ staffId }) => {
    if (state.rebillApprovedBy) return { approved: true, approvedBy: state.rebillApprovedBy, duplicate: true };
    if (state.phase === 'RETURN_REQUESTED') {
      return {
        approved: false,
        duplicate: false,
        refusedBecause: 'the customer did not accept the item: the cancelled-but-shipped process became a return and nothing is rebilled',
      };
    }
    if (state.phase !== 'WAITING_FOR_REBILL_APPROVAL') {
      return {
        approved: false,
        duplicate: false,
        refusedBecause: `the rebill can only be approved after the customer acknowledged it and the email thread was forwarded to seller support (now: ${state.phase})`,
      };
    }
    approval = { staffId };
    state.rebillApprovedBy = staffId;
    return { approved: true, approvedBy: staffId, duplicate: false };
  });

  const step = (
    name: CancelledButShippedStep,
    extra: Omit<Parameters<typeof cancelledButShippedOrders.recordCancelledButShippedStep>[0], 'cancelledButShippedId' | 'step'> = {},
  ) => cancelledButShippedOrders.recordCancelledButShippedStep({ cancelledButShippedId, step: name, ...extra });

  const cancelledButShipped = await cancelledButShippedLoader.loadCancelledButShipped(cancelledButShippedId);
  const customerEmailKey = `cancelled-but-shipped:${cancelledButShippedId}`;

  await emailCustomer();
  const acknowledgement = await waitForAcknowledgement();
  if (!acknowledgement || !acknowledgement.accepted) {
    return turnIntoReturn(acknowledgement ? 'the customer refused the item and the rebill' : 'no answer from the customer by the deadline');
  }
  const acknowledgementId = await recordAcceptance(acknowledgement);
  await forwardToSellerSupport(acknowledgement);
  const approvedBy = await waitForRebillApproval();
  const rebillId = await rebill(approvedBy);
  const creditMemoId = await issueCreditMemo(acknowledgementId);

  state.phase = 'COMPLETED';
  await step('COMPLETED');
  return { outcome: 'REBILLED', rebillId, creditMemoId };

  async function emailCustomer(): Promise<void> {
    state.phase = 'EMAILING_CUSTOMER';
    // Watch first: the Message-ID is known before sending, so no reply can slip through.
    await cancelledButShippedNotifications.watchReplies({ messageKey: customerEmailKey, workflowId });
    const { messageId } = await notifications.sendEmail({
      messageKey: customerEmailKey,
      to: cancelledButShipped.customer.email,
      template: 'CANCELLED_BUT_SHIPPED',
      orderId: cancelledButShipped.orderId,
      data: customerEmailData(cancelledButShipped),
    });
    await step('CUSTOMER_EMAILED', { detail: `to ${cancelledButShipped.customer.email}, ${messageId}` });
  }

  /** Returns the acknowledgement, or undefined when the deadline passed without one. */
  async function waitForAcknowledgement(): Promise<RecordedAcknowledgement | undefined> {
    state.phase = 'WAITING_FOR_ACKNOWLEDGEMENT';
    let deadlinePassed = false;
    void sleep(input.acknowledgementDeadline ?? DEFAULT_ACKNOWLEDGEMENT_DEADLINE).then(() => {
      deadlinePassed = true;
    });
    for (;;) {
      const decided = await fromReplies();
      if (decided) return decided;
      if (staffRecord) {
        return {
          accepted: staffRecord.accepted,
          // Absent in updates sent before the self-service origin existed: support's record.
          via: staffRecord.via === 'SELF_SERVICE' ? 'SELF_SERVICE' : 'SUPPORT_STAFF',
          by: staffRecord.staffId,
          evidence: staffRecord.evidence,
          at: new Date().toISOString(),
        };
      }
      if (deadlinePassed) {
        await step('NO_ANSWER', { detail: 'no acknowledgement by the deadline' });
        return undefined;
      }
      const woke = await condition(
        () => replies.length > 0 || staffRecord !== undefined || deadlinePassed,
        input.reminderInterval ?? DEFAULT_REMINDER_INTERVAL,
      );
      if (!woke) await remind();
    }
  }

  /** Reads the replies that came in; undecided ones are put on the timeline for support. */
  async function fromReplies(): Promise<RecordedAcknowledgement | undefined> {
    while (replies.length > 0) {
      const reply = replies.shift()!;
      const { decision, words } = readAcknowledgement(reply.text);
      if (decision === 'UNDECIDED') {
        state.undecidedReplies += 1;
        await step('REPLY_UNDECIDED', {
          key: reply.mailboxMessageId,
          actor: reply.from ?? 'customer',
          detail: `support must read the reply and record the acknowledgement: "${words.slice(0, 500)}"`,
        });
        continue;
      }
      return {
        accepted: decision === 'ACCEPTED',
        via: 'EMAIL_REPLY',
        by: reply.from ?? cancelledButShipped.customer.email,
        evidence: words,
        ...(reply.messageId ? { messageId: reply.messageId } : {}),
        at: reply.receivedAt,
      };
    }
    return undefined;
  }

  async function remind(): Promise<void> {
    state.remindersSent += 1;
    const key = `${customerEmailKey}:reminder:${state.remindersSent}`;
    await cancelledButShippedNotifications.watchReplies({ messageKey: key, workflowId });
    await notifications.sendEmail({
      messageKey: key,
      to: cancelledButShipped.customer.email,
      template: 'CANCELLED_BUT_SHIPPED_REMINDER',
      orderId: cancelledButShipped.orderId,
      data: customerEmailData(cancelledButShipped),
    });
    await step('REMINDER_SENT', {
      key: String(state.remindersSent),
      detail: `reminder ${state.remindersSent} to ${cancelledButShipped.customer.email}`,
    });
  }

  async function turnIntoReturn(why: string): Promise<CancelledButShippedResult> {
    state.phase = 'RETURN_REQUESTED';
    if (acknowledgement) {
      state.acknowledgement = { accepted: false, via: acknowledgement.via, by: acknowledgement.by, at: acknowledgement.at };
      await step('REFUSED', {
        actor: acknowledgement.by,
        detail: `${ACKNOWLEDGEMENT_CHANNEL_LABELS[acknowledgement.via]}: "${acknowledgement.evidence.slice(0, 500)}"`,
        acknowledgement,
      });
    }
    const { returnId } = await cancelledButShippedOrders.openReturnForCancelledButShipped({ cancelledButShippedId, why });
    // Cancelled-but-shipped processes that reached this point before the return email existed replay without it.
    const emailed = patched('cancelled-but-shipped-return-email');
    if (emailed) {
      await notifications.sendEmail({
        messageKey: `${customerEmailKey}:return`,
        to: cancelledButShipped.customer.email,
        template: 'CANCELLED_BUT_SHIPPED_RETURN',
        orderId: cancelledButShipped.orderId,
        data: {
          orderNo: cancelledButShipped.channelOrderNo,
          customerName: cancelledButShipped.customer.name,
          carrier: cancelledButShipped.carrier,
          trackingNumber: cancelledButShipped.trackingNumber,
          lines: linesSummary(cancelledButShipped),
          reason: acknowledgement ? 'REFUSED' : 'NO_ANSWER',
          alreadyReturned: returnId === null,
        },
      });
    }
    await step('RETURN_REQUESTED', {
      detail: `${why}: the item is to be returned (${returnId ? `return ${returnId}` : 'already returned'}), nothing is rebilled${emailed ? `; the customer was emailed at ${cancelledButShipped.customer.email}` : ''}`,
    });
    return { outcome: 'RETURN_REQUESTED' };
  }

  async function recordAcceptance(ack: RecordedAcknowledgement): Promise<string> {
    state.acknowledgement = { accepted: true, via: ack.via, by: ack.by, at: ack.at };
    const { acknowledgementId } = await cancelledButShippedPayments.recordCustomerAcknowledgement({
      cancelledButShippedId,
      orderId: cancelledButShipped.orderId,
      merchantId: cancelledButShipped.merchantId,
      amount: cancelledButShipped.amount,
      currency: cancelledButShipped.currency,
      acknowledgement: ack,
    });
    await step('ACKNOWLEDGED', {
      actor: ack.by,
      detail: `${ACKNOWLEDGEMENT_CHANNEL_LABELS[ack.via]}: "${ack.evidence.slice(0, 500)}"`,
      acknowledgement: ack,
      acknowledgementId,
    });
    return acknowledgementId;
  }

  async function forwardToSellerSupport(ack: RecordedAcknowledgement): Promise<void> {
    state.phase = 'FORWARDING';
    const to = input.sellerSupportEmail ?? DEFAULT_SELLER_SUPPORT;
    const rootMessageKeys = [
      customerEmailKey,
      ...Array.from({ length: state.remindersSent }, (_, i) => `${customerEmailKey}:reminder:${i + 1}`),
    ];
    await cancelledButShippedNotifications.forwardEmailThread({
      messageKey: `${customerEmailKey}:forward`,
      to,
      rootMessageKeys,
      subject: `Acknowledged: order ${cancelledButShipped.channelOrderNo} shipped after cancellation, rebill ${formatAmount(cancelledButShipped.amount, cancelledButShipped.currency)}`,
      note:
        ack.via === 'SUPPORT_STAFF'
          ? `Acknowledgement recorded by ${ack.by} at ${ack.at}. The customer's words:\n${ack.evidence}`
          : ack.via === 'SELF_SERVICE'
            ? `The customer accepted on the self-service page at ${ack.at}. The customer's words:\n${ack.evidence}`
            : `The customer accepted by replying from ${ack.by} at ${ack.at}.`,
      orderId: cancelledButShipped.orderId,
    });
    await step('FORWARDED_TO_SUPPORT', { detail: `email thread forwarded to ${to}` });
  }

  async function waitForRebillApproval(): Promise<string> {
    state.phase = 'WAITING_FOR_REBILL_APPROVAL';
    await condition(() => approval !== undefined);
    await step('REBILL_APPROVED', { actor: approval!.staffId, detail: `approved by ${approval!.staffId}` });
    return approval!.staffId;
  }

  async function rebill(approvedBy: string): Promise<string> {
    state.phase = 'REBILLING';
    const { rebillId } = await cancelledButShippedPayments.rebillCustomer({
      cancelledButShippedId,
      orderId: cancelledButShipped.orderId,
      amount: cancelledButShipped.amount,
      currency: cancelledButShipped.currency,
      approvedBy,
    });
    await step('REBILLED', {
      actor: approvedBy,
      detail: `customer rebilled ${formatAmount(cancelledButShipped.amount, cancelledButShipped.currency)} (rebill ${rebillId})`,
    });
    return rebillId;
  }

  async function issueCreditMemo(acknowledgementId: string): Promise<string> {
    state.phase = 'ISSUING_CREDIT_MEMO';
    const { creditMemoId } = await cancelledButShippedPayments.issueCreditMemo({
      cancelledButShippedId,
      orderId: cancelledButShipped.orderId,
      merchantId: cancelledButShipped.merchantId,
      acknowledgementId,
      amount: cancelledButShipped.amount,
      currency: cancelledButShipped.currency,
    });
    await step('CREDIT_MEMO_ISSUED', {
      key: creditMemoId,
      detail: `credit memo ${creditMemoId} of ${formatAmount(cancelledButShipped.amount, cancelledButShipped.currency)} to the seller`,
    });
    return creditMemoId;
  }
}

function customerEmailData(cancelledButShipped: CancelledButShippedContext): Record<string, string | number | boolean | null> {
  return {
    orderNo: cancelledButShipped.channelOrderNo,
    customerName: cancelledButShipped.customer.name,
    carrier: cancelledButShipped.carrier,
    trackingNumber: cancelledButShipped.trackingNumber,
    amount: cancelledButShipped.amount,
    currency: cancelledButShipped.currency,
    lines: linesSummary(cancelledButShipped),
  };
}

function linesSummary(cancelledButShipped: CancelledButShippedContext): string {
  return cancelledButShipped.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', ');
}
