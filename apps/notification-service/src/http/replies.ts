import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import { listRepliesQuerySchema, type InboundReplyPage, inboundReplyPageSchema } from '@cancelflow/domain';
import { describe, parse, type Database } from '@cancelflow/service-kit';
import { MailboxMessage } from '../db/index.ts';
import { SERVICE_AND_SUPPORT, type NotificationOwners } from './owners.ts';
import { replyView } from './views.ts';

/**
 * Mail that came in to the reply address, each with its verdict: COUNTED (the customer's word,
 * handed to the waiting process) or UNDECIDED (kept for support to judge, with the reasons;
 * support records the customer's answer through the order service if the reply is genuine).
 */
export function repliesRouter(owners: NotificationOwners, db: Database): Router {
  const router = Router();

  router.get(
    '/replies',
    describe({
      summary: "Replies received, with whether each counts as the customer's word (filter by status, order)",
      tags: ['replies'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.order({ query: 'orderId', optional: true }) },
      query: listRepliesQuerySchema,
      responses: { 200: { description: 'a page of replies', schema: inboundReplyPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listRepliesQuerySchema, req.query, 'query');
      const where: FilterQuery<MailboxMessage> = { replyStatus: query.status ?? { $ne: null } };
      if (query.orderId) where.orderId = query.orderId;
      const [replies, total] = await db.em.fork().findAndCount(MailboxMessage, where, {
        orderBy: { receivedAt: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      res.json({ items: replies.map(replyView), total, limit: query.limit, offset: query.offset } satisfies InboundReplyPage);
    },
  );

  return router;
}
