/**
 * Cancelled but shipped (process 3): goods shipped for quantities that were already cancelled.
 * The chain, in order, none of it skippable: email the customer (no links) -> the customer's
 * acknowledgement (a reply or support's record) -> forward the acknowledged chain to seller
 * support -> support approves the rebill -> rebill -> credit memo to the seller. No answer by the
 * deadline, or a refusal, turns it into a return and nothing is rebilled.
 */
import type { Channel } from './channel-policies.ts';

export const CANCELLED_BUT_SHIPPED_STATUSES = [
  'AWAITING_ACKNOWLEDGEMENT',
  'ACKNOWLEDGED',
  'AWAITING_REBILL_APPROVAL',
  'REBILLING',
  'AWAITING_CREDIT_MEMO',
  'COMPLETED',
  'RETURN_REQUESTED',
] as const;
export type CancelledButShippedStatus = (typeof CANCELLED_BUT_SHIPPED_STATUSES)[number];

/** The steps of the chain as shown on the order's timeline, in the order they can happen. */
export const CANCELLED_BUT_SHIPPED_STEPS = [
  'STARTED',
  'CUSTOMER_EMAILED',
  'REMINDER_SENT',
  'REPLY_UNDECIDED',
  'ACKNOWLEDGED',
  'REFUSED',
  'NO_ANSWER',
  'RETURN_REQUESTED',
  'FORWARDED_TO_SUPPORT',
  'REBILL_APPROVED',
  'REBILLED',
  'CREDIT_MEMO_ISSUED',
  'COMPLETED',
] as const;
export type CancelledButShippedStep = (typeof CANCELLED_BUT_SHIPPED_STEPS)[number];

/** The status a chain has once a step is recorded; steps that do not move it map to undefined. */
export const STATUS_AFTER_STEP: Readonly<Partial<Record<CancelledButShippedStep, CancelledButShippedStatus>>> = {
  STARTED: 'AWAITING_ACKNOWLEDGEMENT',
  ACKNOWLEDGED: 'ACKNOWLEDGED',
  RETURN_REQUESTED: 'RETURN_REQUESTED',
  FORWARDED_TO_SUPPORT: 'AWAITING_REBILL_APPROVAL',
  REBILL_APPROVED: 'REBILLING',
  REBILLED: 'AWAITING_CREDIT_MEMO',
  COMPLETED: 'COMPLETED',
};

/**
 * Where the customer's answer came from: a reply to the email, support's record of what the
 * customer said (phone, chat), or the customer's own answer on the self-service page.
 */
export const ACKNOWLEDGEMENT_CHANNELS = ['EMAIL_REPLY', 'SUPPORT_STAFF', 'SELF_SERVICE'] as const;
export type AcknowledgementChannel = (typeof ACKNOWLEDGEMENT_CHANNELS)[number];

/** How an acknowledgement reads on the timeline and in the forwarded chain, by where it came from. */
export const ACKNOWLEDGEMENT_CHANNEL_LABELS: Readonly<Record<AcknowledgementChannel, string>> = {
  EMAIL_REPLY: 'reply by email',
  SUPPORT_STAFF: 'recorded by support',
  SELF_SERVICE: 'answered by the customer on the self-service page',
};

export type AcknowledgementDecision = 'ACCEPTED' | 'REFUSED' | 'UNDECIDED';

/** The workflow of a shipment's chain: one per shipment, so a repeated notice finds it. */
export const cancelledButShippedWorkflowId = (shipmentId: string): string => `cancelled-but-shipped-${shipmentId}`;

const REFUSAL = /^(i\s+refuse|i\s+do\s+not\s+accept|i\s+don'?t\s+accept|i\s+reject|no)\b/;
const ACCEPTANCE = /^(i\s+accept|yes)\b/;
/** Where a mail client starts quoting the message replied to. */
const QUOTE_HEADER = /^(on\s.+\bwrote:|-{2,}\s*original message\s*-{2,}|from:\s)/i;

/**
 * Reads the customer's answer from the text of their reply. The rule, kept deliberately small
 * so support can explain it: only the customer's own words count (quoted lines starting with
 * ">" and everything from an "On ... wrote:" / "Original Message" / "From:" line on are dropped);
 * their FIRST non-empty line decides:
 *   - starts with "I refuse", "I do not accept", "I don't accept", "I reject" or "no" -> REFUSED
 *   - starts with "I accept" or "yes" -> ACCEPTED
 *   - anything else (including an empty reply) -> UNDECIDED: support must read it and record
 *     the acknowledgement themselves.
 * Case, surrounding spaces and punctuation do not matter ("Yes!", "  i ACCEPT.").
 */
export function readAcknowledgement(text: string | null | undefined): { decision: AcknowledgementDecision; words: string } {
  const own: string[] = [];
  for (const raw of (text ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (QUOTE_HEADER.test(line)) break;
    if (line.startsWith('>')) continue;
    own.push(line);
  }
  const first = own.find((l) => l.length > 0) ?? '';
  const normalised = first
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const decision: AcknowledgementDecision = REFUSAL.test(normalised)
    ? 'REFUSED'
    : ACCEPTANCE.test(normalised)
      ? 'ACCEPTED'
      : 'UNDECIDED';
  return { decision, words: own.join('\n').trim() };
}

/** What the chain works on, as the order service knows it when the shipment arrived. */
export interface CancelledButShippedContext {
  chainId: string;
  shipmentId: string;
  orderId: string;
  merchantId: string;
  channel: Channel;
  channelOrderNo: string;
  currency: string;
  /** Shipped-after-cancel quantity x unit price, summed over the lines: the rebill amount. */
  amount: number;
  carrier: string;
  trackingNumber: string;
  shippedAt: string;
  customer: { email: string; name: string };
  lines: { lineId: string; lineNo: number; sku: string; quantity: number; unitPrice: number }[];
  cancellationIds: string[];
}

export interface RecordedAcknowledgement {
  accepted: boolean;
  via: AcknowledgementChannel;
  /** The staff member who recorded it, the customer's address for an email reply, or the self-service page. */
  by: string;
  /** The customer's own words. */
  evidence: string;
  /** The reply's Message-ID, when it came by email. */
  messageId?: string;
  at: string;
}

/** Activities of the "orders" task queue for this chain (idempotent on chainId and step/key). */
export interface CancelledButShippedOrderActivities {
  loadCancelledButShipped(chainId: string): Promise<CancelledButShippedContext>;
  recordCancelledButShippedStep(input: {
    chainId: string;
    step: CancelledButShippedStep;
    detail?: string;
    actor?: string;
    key?: string;
    acknowledgement?: RecordedAcknowledgement;
    acknowledgementId?: string;
  }): Promise<void>;
  /**
   * The customer refused or did not answer: opens a return of the shipped-after-cancel quantities
   * (once per chain; a repeat answers the same return). returnId is null when those quantities
   * were returned by other means meanwhile.
   */
  openReturnForCancelledButShipped(input: { chainId: string; why: string }): Promise<{ returnId: string | null }>;
}

/** Activities of the "payments" task queue for this chain. */
export interface CancelledButShippedPaymentActivities {
  /** Records the customer's acknowledgement (idempotent on chainId); the credit memo needs it. */
  recordCustomerAcknowledgement(input: {
    chainId: string;
    orderId: string;
    merchantId: string;
    amount: number;
    currency: string;
    acknowledgement: RecordedAcknowledgement;
  }): Promise<{ acknowledgementId: string }>;
  /** Charges the customer the shipped-after-cancel amount, once per chain. */
  rebillCustomer(input: {
    chainId: string;
    orderId: string;
    amount: number;
    currency: string;
    approvedBy: string;
  }): Promise<{ rebillId: string; status: 'SUCCEEDED' }>;
  /** Pays the seller; refused unless it references a recorded, accepting acknowledgement. */
  issueCreditMemo(input: {
    chainId: string;
    orderId: string;
    merchantId: string;
    acknowledgementId: string;
    amount: number;
    currency: string;
  }): Promise<{ creditMemoId: string }>;
}

/** Activities of the "notifications" task queue for this chain. */
export interface CancelledButShippedNotificationActivities {
  /**
   * From now on, replies to the email with this messageKey (threaded by In-Reply-To or
   * References to its Message-ID) are signalled to the workflow, including any that came already.
   */
  watchReplies(input: { messageKey: string; workflowId: string }): Promise<void>;
  /** Emails the thread of the email with rootMessageKey (it and every reply) to `to`, once per messageKey. */
  forwardEmailThread(input: {
    messageKey: string;
    to: string;
    rootMessageKeys: string[];
    subject: string;
    note?: string;
    orderId?: string;
  }): Promise<{ messageId: string }>;
}
