import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A message the embedded SMTP server accepted. Message-ID, In-Reply-To and References are kept
 * as the headers carried them (angle brackets included) so replies can be threaded.
 */
export const MailboxMessage = defineEntity({
  name: 'MailboxMessage',
  tableName: 'mailbox_message',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
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
    receivedAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
  },
});
export type MailboxMessage = InferEntity<typeof MailboxMessage>;
