import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import { listMailboxQuerySchema, NotFoundError, type MailboxPage, mailboxMessageBodySchema, mailboxPageSchema } from '@cancelflow/domain';
import { describe, parse, type Database } from '@cancelflow/service-kit';
import { MailboxMessage } from '../db/index.ts';
import { asMessageId, parseId } from './ids.ts';
import { mailboxMessageView } from './views.ts';
import { SERVICE_AND_SUPPORT } from './owners.ts';

/** What the embedded SMTP server received: GET /mailbox, GET /mailbox/:id. */
export function mailboxRouter(db: Database): Router {
  const router = Router();

  router.get(
    '/mailbox',
    describe({
      summary: 'Messages the embedded SMTP server received',
      tags: ['mailbox'],
      access: { roles: SERVICE_AND_SUPPORT, acrossMerchants: true },
      query: listMailboxQuerySchema,
      responses: { 200: { description: 'a page of messages', schema: mailboxPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listMailboxQuerySchema, req.query, 'query');
      const where: FilterQuery<MailboxMessage> = {};
      if (query.to) where.toAddresses = { $contains: [query.to.toLowerCase()] };
      if (query.messageId) where.messageId = asMessageId(query.messageId);
      if (query.inReplyTo) where.inReplyTo = asMessageId(query.inReplyTo);
      const [messages, total] = await db.em.fork().findAndCount(MailboxMessage, where, {
        orderBy: { receivedAt: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      res.json({
        items: messages.map((m) => mailboxMessageView(m)),
        total,
        limit: query.limit,
        offset: query.offset,
      } satisfies MailboxPage);
    },
  );

  router.get(
    '/mailbox/:id',
    describe({
      summary: 'One received message',
      tags: ['mailbox'],
      access: { roles: SERVICE_AND_SUPPORT, acrossMerchants: true },
      responses: { 200: { description: 'the message', schema: mailboxMessageBodySchema }, 404: 'no such message' },
    }),
    async (req, res) => {
      const id = parseId(req.params.id, 'mailbox message id');
      const message = await db.em.fork().findOne(MailboxMessage, { id }, { populate: ['raw'] });
      if (!message) throw new NotFoundError(`no received message with id ${id}: list them with GET /mailbox`);
      res.json(mailboxMessageView(message, { raw: true }));
    },
  );

  return router;
}
