import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A workflow waits for replies to one of our emails, named by its key (the watch comes before
 * the email, whose Message-ID is random): replies that count as the customer's word (threaded
 * to that email's Message-ID, from its recipient) are signalled to `workflowId`. `messageId` is
 * set on watches made when Message-IDs were computed from the key.
 */
export const ReplyWatch = defineEntity({
  name: 'ReplyWatch',
  tableName: 'reply_watch',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    messageKey: p.string().length(200),
    messageId: p.string().length(255).nullable(),
    workflowId: p.string().length(255),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
  },
});
export type ReplyWatch = InferEntity<typeof ReplyWatch>;

/** A received reply to hand to a waiting workflow; signalledAt is set once Temporal took it. */
export const ReplyDelivery = defineEntity({
  name: 'ReplyDelivery',
  tableName: 'reply_delivery',
  properties: {
    mailboxMessageId: p.uuid().primary(),
    workflowId: p.string().length(255).primary(),
    watchedMessageId: p.string().length(255),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date()),
    signalledAt: p.datetime().columnType('timestamptz').nullable(),
  },
});
export type ReplyDelivery = InferEntity<typeof ReplyDelivery>;
