import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { EMAIL_TEMPLATES, OUTBOUND_EMAIL_STATUSES } from '@cancelflow/domain';

export { OUTBOUND_EMAIL_STATUSES };
export type OutboundEmailStatus = (typeof OUTBOUND_EMAIL_STATUSES)[number];

/** An email this service was asked to send, once per messageKey (the business id of the email). */
export const OutboundEmail = defineEntity({
  name: 'OutboundEmail',
  tableName: 'outbound_email',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    messageKey: p.string().length(200).unique(),
    toAddress: p.string().length(320),
    template: p.enum(EMAIL_TEMPLATES).columnType('text'),
    subject: p.text(),
    textBody: p.text(),
    htmlBody: p.text(),
    /** Random, chosen at the first attempt and kept for every retry, so a resend is the same message. */
    messageId: p.string().length(255),
    /** false for emails sent when Message-IDs were computed from the key: a reply threading to one proves nothing. */
    messageIdUnguessable: p.boolean(),
    /** The reply address, on emails that ask the customer to reply; null on the others. */
    replyTo: p.string().length(320).nullable(),
    orderId: p.string().length(64).nullable(),
    status: p.enum(OUTBOUND_EMAIL_STATUSES).columnType('text'),
    error: p.text().nullable(),
    attempts: p.integer().default(0),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
    sentAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
export type OutboundEmail = InferEntity<typeof OutboundEmail>;
