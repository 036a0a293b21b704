import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { INBOUND_REPLY_STATUSES } from '@cancelflow/domain';

/**
 * A message the SMTP server accepted: a reply that came in to the reply address (with its
 * verdict), or, in development, a copy of what CancelFlow itself sent (replyStatus null).
 * Message-ID, In-Reply-To and References are kept as the headers carried them (angle brackets
 * included) so replies can be threaded.
 */
export const MailboxMessage = defineEntity({
  name: 'MailboxMessage',
  tableName: 'mailbox_message',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    messageId: p.text().nullable(),
    inReplyTo: p.text().nullable(),
    references: p.array().columnType('text[]'),
    fromAddress: p.text().nullable(),
    /** Every recipient the message was delivered to (the SMTP envelope), lower case. */
    toAddresses: p.array().columnType('text[]'),
    subject: p.text().nullable(),
    textBody: p.text().nullable(),
    htmlBody: p.text().nullable(),
    raw: p.text().lazy(),
    /** COUNTED: the customer's word (see judgeReply); UNDECIDED: for support to judge; null: not a reply. */
    replyStatus: p.enum(INBOUND_REPLY_STATUSES).columnType('text').nullable(),
    /** Why an UNDECIDED reply does not count, one sentence each. */
    replyReasons: p.array().columnType('text[]'),
    /** The relay's verdict on the sender, e.g. "FAIL: dmarc=fail"; null when none was given. */
    senderAuthentication: p.text().nullable(),
    /** The order of the email it replies to, or of the sender's latest email that asked for a reply. */
    orderId: p.string().length(64).nullable(),
    /** The outbound email it threads to. */
    repliedEmailId: p.uuid().nullable(),
    receivedAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
  },
});
export type MailboxMessage = InferEntity<typeof MailboxMessage>;
