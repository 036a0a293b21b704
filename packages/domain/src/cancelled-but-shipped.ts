/**
 * Cancelled but shipped: goods shipped for quantities that were already cancelled.
 * The cancelled-but-shipped process, in order, none of it skippable: email the customer (no links) -> the customer's
 * acknowledgement (a reply or support's record) -> forward the acknowledged email thread to seller
 * support -> support approves the rebill -> rebill -> credit memo to the seller. No answer by the
 * deadline, or a refusal, turns it into a return and nothing is rebilled.
 */

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

/** The steps of the cancelled-but-shipped process as shown on the order's timeline, in the order they can happen. */
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

/** The status a cancelled-but-shipped process has once a step is recorded; steps that do not move it map to undefined. */
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

/** How an acknowledgement reads on the timeline and in the forwarded thread, by where it came from. */
export const ACKNOWLEDGEMENT_CHANNEL_LABELS: Readonly<Record<AcknowledgementChannel, string>> = {
  EMAIL_REPLY: 'reply by email',
  SUPPORT_STAFF: 'recorded by support',
  SELF_SERVICE: 'answered by the customer on the self-service page',
};

export type AcknowledgementDecision = 'ACCEPTED' | 'REFUSED' | 'UNDECIDED';

/** The workflow of a shipment's cancelled-but-shipped process: one per shipment, so a repeated notice finds it. */
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
  const decision: AcknowledgementDecision = REFUSAL.test(normalised) ? 'REFUSED' : ACCEPTANCE.test(normalised) ? 'ACCEPTED' : 'UNDECIDED';
  return { decision, words: own.join('\n').trim() };
}
