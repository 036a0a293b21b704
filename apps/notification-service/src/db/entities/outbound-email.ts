import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { EMAIL_TEMPLATES } from '@cancelflow/domain';

export const OUTBOUND_EMAIL_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;
export type OutboundEmailStatus = (typeof OUTBOUND_EMAIL_STATUSES)[number];

/** An email this service was asked to send, once per messageKey (the business id of the email). */
export const OutboundEmail = defineEntity({
  name: 'OutboundEmail',
  tableName: 'outbound_email',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    messageKey: p.string().length(200).unique(),
    toAddress: p.string().length(320),
    template: p.enum(EMAIL_TEMPLATES).columnType('text'),
    subject: p.text(),
    textBody: p.text(),
    htmlBody: p.text(),
    /** `<key@cancelflow.local>`: the same for every attempt, so a resend is the same message. */
    messageId: p.string().length(255),
    orderId: p.string().length(64).nullable(),
    status: p.enum(OUTBOUND_EMAIL_STATUSES).columnType('text'),
    error: p.text().nullable(),
    attempts: p.integer().default(0),
    createdAt: p.datetime().columnType('timestamptz').onCreate(() => new Date()),
    sentAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
export type OutboundEmail = InferEntity<typeof OutboundEmail>;
