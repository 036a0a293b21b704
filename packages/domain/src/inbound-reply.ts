/**
 * When an email reply is the customer's own word. Anyone can send mail to the reply address and
 * write any From header, so a reply counts only when all three hold:
 *   1. it threads (In-Reply-To or References) to a Message-ID CancelFlow sent and nobody could
 *      have guessed (random, stored with the email): only the recipient's mailbox has it;
 *   2. it comes from the address that email went to;
 *   3. the relay that took it in did not find it forged (its Authentication-Results verdict,
 *      when the message carries one).
 * Anything else is UNDECIDED: kept, and shown to support, who record the customer's answer
 * themselves when they judge the reply genuine. An UNDECIDED reply never moves a process.
 */

export const INBOUND_REPLY_STATUSES = ['COUNTED', 'UNDECIDED'] as const;
export type InboundReplyStatus = (typeof INBOUND_REPLY_STATUSES)[number];

/** What the receiving relay said about the sender (RFC 8601 Authentication-Results). */
export type SenderAuthentication =
  /** No verdict to honour: no Authentication-Results, or none that passes or fails. */
  | { verdict: 'NONE' }
  | { verdict: 'PASS'; passed: readonly string[] }
  /** e.g. ['dmarc=fail']: the relay found the sender forged. */
  | { verdict: 'FAIL'; failed: readonly string[] }
  /** A trusted relay's verdict is required (production) and the message carries none from it. */
  | { verdict: 'MISSING'; authservId: string };

export interface ReplyEvidence {
  /** Every address of the From header (normally one). */
  from: readonly string[];
  /** The email of ours the reply threads to, if any. */
  repliesTo?: { sentTo: string; unguessableMessageId: boolean };
  authentication: SenderAuthentication;
}

export type ReplyJudgement = { status: 'COUNTED' } | { status: 'UNDECIDED'; reasons: string[] };

/**
 * An address as compared: no display name brackets or surrounding space, lower case (mail
 * systems treat local parts case-insensitively in practice), Unicode in NFC, the domain in its
 * ASCII (punycode) form. Sub-addresses (+tag) and dots are kept: they can be another mailbox.
 */
export function normaliseAddress(address: string): string {
  const bare = address
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim()
    .normalize('NFC');
  const at = bare.lastIndexOf('@');
  if (at <= 0 || at === bare.length - 1) return bare.toLowerCase();
  const local = bare.slice(0, at).toLowerCase();
  const domain = bare.slice(at + 1).replace(/\.$/, '');
  return `${local}@${asciiDomain(domain)}`;
}

function asciiDomain(domain: string): string {
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return domain.toLowerCase();
  }
}

export function judgeReply(evidence: ReplyEvidence): ReplyJudgement {
  const reasons: string[] = [];
  const { repliesTo, authentication } = evidence;
  const from = [...new Set(evidence.from.map(normaliseAddress))];

  if (!repliesTo) {
    reasons.push('it does not thread to an email CancelFlow sent (its In-Reply-To and References name none of our Message-IDs)');
  } else if (!repliesTo.unguessableMessageId) {
    reasons.push('it threads to an email sent before Message-IDs were random, whose id anyone could have computed');
  }
  if (from.length === 0) reasons.push('it names no sender (no From address)');
  else if (from.length > 1) reasons.push(`it names ${from.length} senders (${from.join(', ')}), not one`);
  else if (repliesTo && from[0] !== normaliseAddress(repliesTo.sentTo)) {
    reasons.push(`it comes from ${from[0]}, not from ${normaliseAddress(repliesTo.sentTo)}, to whom our email went`);
  }
  if (authentication.verdict === 'FAIL') {
    reasons.push(`the receiving relay found the sender forged (${authentication.failed.join(', ')})`);
  } else if (authentication.verdict === 'MISSING') {
    reasons.push(`it carries no Authentication-Results of our relay ${authentication.authservId}: it did not come in through the relay`);
  }
  return reasons.length === 0 ? { status: 'COUNTED' } : { status: 'UNDECIDED', reasons };
}
