import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import { listEmailsQuerySchema, NotFoundError, type EmailPage, emailBodySchema, emailPageSchema } from '@cancelflow/domain';
import { describe, parse, type Database } from '@cancelflow/service-kit';
import { OutboundEmail } from '../db/index.ts';
import { parseId } from './ids.ts';
import { emailView } from './views.ts';
import { SERVICE_AND_SUPPORT, type NotificationOwners } from './owners.ts';

/** The emails this service sent (or tried to): GET /emails, GET /emails/:id. */
export function emailsRouter(owners: NotificationOwners, db: Database): Router {
  const router = Router();

  router.get(
    '/emails',
    describe({
      summary: 'Emails sent (filter by order, recipient, status, template)',
      tags: ['emails'],
      access: { roles: ['SERVICE', 'SUPPORT', 'MERCHANT'], owner: owners.order({ query: 'orderId', optional: true }) },
      query: listEmailsQuerySchema,
      responses: { 200: { description: 'a page of emails', schema: emailPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listEmailsQuerySchema, req.query, 'query');
      const where: FilterQuery<OutboundEmail> = {};
      if (query.orderId) where.orderId = query.orderId;
      if (query.to) where.toAddress = { $ilike: query.to.replace(/[\\%_]/g, '\\$&') };
      if (query.status) where.status = query.status;
      if (query.template) where.template = query.template;
      const [emails, total] = await db.em.fork().findAndCount(OutboundEmail, where, {
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      res.json({ items: emails.map(emailView), total, limit: query.limit, offset: query.offset } satisfies EmailPage);
    },
  );

  router.get(
    '/emails/:id',
    describe({
      summary: 'One email sent, with its content',
      tags: ['emails'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.email({ param: 'id' }) },
      responses: { 200: { description: 'the email', schema: emailBodySchema }, 404: 'no such email' },
    }),
    async (req, res) => {
      const id = parseId(req.params.id, 'email id');
      const email = await db.em.fork().findOne(OutboundEmail, { id });
      if (!email) throw new NotFoundError(`no email with id ${id}: list them with GET /emails`);
      res.json(emailView(email));
    },
  );

  return router;
}
