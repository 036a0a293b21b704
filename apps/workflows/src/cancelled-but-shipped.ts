/**
 * Cancelled but shipped: goods shipped for quantities that were already cancelled.
 * The chain runs in order and no step can be skipped:
 *   1. email the customer: shipped though cancelled, will be rebilled (carrier, tracking, no links);
 *   2. wait for the customer's acknowledgement: a reply to that email, support's record of the
 *      customer's words, or the customer's answer on the self-service page; remind while waiting;
 *      a refusal or no answer by the deadline turns the chain into a return, the customer is
 *      emailed that the item is to be returned, and nothing is rebilled;
 *   3. forward the acknowledged email chain to seller support;
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
  type CancelledButShippedInput,
  type RecordAcknowledgementArgs,
  type CancelledButShippedProcessState,
  type EmailReply,
} from './contracts/cancelled-but-shipped.ts';
import { chainLoader, chainNotifications, chainOrders, chainPayments, notifications } from './proxies.ts';
import type { CancelledButShippedContext, RecordedAcknowledgement } from './contracts/cancelled-but-shipped.ts';

const DEFAULT_REMINDER_INTERVAL = '3 days';
const DEFAULT_ACKNOWLEDGEMENT_DEADLINE = '14 days';
const DEFAULT_SELLER_SUPPORT = 'seller-support@cancelflow.local';

export interface CancelledButShippedResult {
  outcome: 'REBILLED' | 'RETURN_REQUESTED';
  creditMemoId?: string;
  rebillId?: string;
}

export async function cancelledButShippedWorkflow(input: CancelledButShippedInput): Promise<CancelledButShippedResult> {
  const { chainId } = input;
  const workflowId = workflowInfo().workflowId;
  const state: CancelledButShippedProcessState = { chainId, phase: 'STARTING', remindersSent: 0, undecidedReplies: 0 };
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
        refusedBecause: 'the customer did not accept the item: the chain became a return and nothing is rebilled',
      };
    }
    if (state.phase !== 'WAITING_FOR_REBILL_APPROVAL') {
      return {
        approved: false,
        duplicate: false,
        refusedBecause: `the rebill can only be approved after the customer acknowledged it and the email chain was forwarded to seller support (now: ${state.phase})`,
      };
    }
    approval = { staffId };
    state.rebillApprovedBy = staffId;
    return { approved: true, approvedBy: staffId, duplicate: false };
  });

  const step = (
    name: CancelledButShippedStep,
    extra: Omit<Parameters<typeof chainOrders.recordCancelledButShippedStep>[0], 'chainId' | 'step'> = {},
  ) => chainOrders.recordCancelledButShippedStep({ chainId, step: name, ...extra });

  const chain = await chainLoader.loadCancelledButShipped(chainId);
  const customerEmailKey = `cancelled-but-shipped:${chainId}`;

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
    await chainNotifications.watchReplies({ messageKey: customerEmailKey, workflowId });
    const { messageId } = await notifications.sendEmail({
      messageKey: customerEmailKey,
      to: chain.customer.email,
      template: 'SHIPPED_AFTER_CANCELLATION',
      orderId: chain.orderId,
      data: customerEmailData(chain),
    });
    await step('CUSTOMER_EMAILED', { detail: `to ${chain.customer.email}, ${messageId}` });
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
        by: reply.from ?? chain.customer.email,
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
    await chainNotifications.watchReplies({ messageKey: key, workflowId });
    await notifications.sendEmail({
      messageKey: key,
      to: chain.customer.email,
      template: 'SHIPPED_AFTER_CANCELLATION_REMINDER',
      orderId: chain.orderId,
      data: customerEmailData(chain),
    });
    await step('REMINDER_SENT', { key: String(state.remindersSent), detail: `reminder ${state.remindersSent} to ${chain.customer.email}` });
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
    const { returnId } = await chainOrders.openReturnForCancelledButShipped({ chainId, why });
    // Chains that reached this point before the return email existed replay without it.
    const emailed = patched('cancelled-but-shipped-return-email');
    if (emailed) {
      await notifications.sendEmail({
        messageKey: `${customerEmailKey}:return`,
        to: chain.customer.email,
        template: 'SHIPPED_AFTER_CANCELLATION_RETURN',
        orderId: chain.orderId,
        data: {
          orderNo: chain.channelOrderNo,
          customerName: chain.customer.name,
          carrier: chain.carrier,
          trackingNumber: chain.trackingNumber,
          lines: linesSummary(chain),
          reason: acknowledgement ? 'REFUSED' : 'NO_ANSWER',
          alreadyReturned: returnId === null,
        },
      });
    }
    await step('RETURN_REQUESTED', {
      detail: `${why}: the item is to be returned (${returnId ? `return ${returnId}` : 'already returned'}), nothing is rebilled${emailed ? `; the customer was emailed at ${chain.customer.email}` : ''}`,
    });
    return { outcome: 'RETURN_REQUESTED' };
  }

  async function recordAcceptance(ack: RecordedAcknowledgement): Promise<string> {
    state.acknowledgement = { accepted: true, via: ack.via, by: ack.by, at: ack.at };
    const { acknowledgementId } = await chainPayments.recordCustomerAcknowledgement({
      chainId,
      orderId: chain.orderId,
      merchantId: chain.merchantId,
      amount: chain.amount,
      currency: chain.currency,
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
    await chainNotifications.forwardEmailThread({
      messageKey: `${customerEmailKey}:forward`,
      to,
      rootMessageKeys,
      subject: `Acknowledged: order ${chain.channelOrderNo} shipped after cancellation, rebill ${formatAmount(chain.amount, chain.currency)}`,
      note:
        ack.via === 'SUPPORT_STAFF'
          ? `Acknowledgement recorded by ${ack.by} at ${ack.at}. The customer's words:\n${ack.evidence}`
          : ack.via === 'SELF_SERVICE'
            ? `The customer accepted on the self-service page at ${ack.at}. The customer's words:\n${ack.evidence}`
            : `The customer accepted by replying from ${ack.by} at ${ack.at}.`,
      orderId: chain.orderId,
    });
    await step('FORWARDED_TO_SUPPORT', { detail: `email chain forwarded to ${to}` });
  }

  async function waitForRebillApproval(): Promise<string> {
    state.phase = 'WAITING_FOR_REBILL_APPROVAL';
    await condition(() => approval !== undefined);
    await step('REBILL_APPROVED', { actor: approval!.staffId, detail: `approved by ${approval!.staffId}` });
    return approval!.staffId;
  }

  async function rebill(approvedBy: string): Promise<string> {
    state.phase = 'REBILLING';
    const { rebillId } = await chainPayments.rebillCustomer({
      chainId,
      orderId: chain.orderId,
      amount: chain.amount,
      currency: chain.currency,
      approvedBy,
    });
    await step('REBILLED', {
      actor: approvedBy,
      detail: `customer rebilled ${formatAmount(chain.amount, chain.currency)} (rebill ${rebillId})`,
    });
    return rebillId;
  }

  async function issueCreditMemo(acknowledgementId: string): Promise<string> {
    state.phase = 'ISSUING_CREDIT_MEMO';
    const { creditMemoId } = await chainPayments.issueCreditMemo({
      chainId,
      orderId: chain.orderId,
      merchantId: chain.merchantId,
      acknowledgementId,
      amount: chain.amount,
      currency: chain.currency,
    });
    await step('CREDIT_MEMO_ISSUED', {
      key: creditMemoId,
      detail: `credit memo ${creditMemoId} of ${formatAmount(chain.amount, chain.currency)} to the seller`,
    });
    return creditMemoId;
  }
}

function customerEmailData(chain: CancelledButShippedContext): Record<string, string | number | boolean | null> {
  return {
    orderNo: chain.channelOrderNo,
    customerName: chain.customer.name,
    carrier: chain.carrier,
    trackingNumber: chain.trackingNumber,
    amount: chain.amount,
    currency: chain.currency,
    lines: linesSummary(chain),
  };
}

function linesSummary(chain: CancelledButShippedContext): string {
  return chain.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', ');
}
