import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  channelOfId,
  MERCHANT_API_PAGE_SIZE,
  merchantApiAcknowledgeSchema,
  merchantApiOrdersQuerySchema,
  orderStatusesOf,
  type Channel,
  type OrderStatus,
  merchantApiAnswerSchema,
  merchantApiPageSchema,
} from '@cancelflow/domain';
import { describe } from '@cancelflow/service-kit';
import { CancellationRequest, CancellationRequestLine, Order, OrderLine } from '../db/entities/index.ts';
import { acknowledgeOrder } from '../orders/acknowledge-order.ts';
import type { ServiceDeps } from '../deps.ts';
import { inWordsOf, MerchantApiError, parseRequest, sendDone, sendPage } from './envelope.ts';
import { merchantOf } from './translate.ts';
import { merchantApiOrder } from './views.ts';

const MERCHANT = ['MERCHANT'] as const;

/** GET /v2/orders/new, POST /v2/orders/acknowledge, GET /v2/orders. */
export function merchantApiOrdersRouter(deps: ServiceDeps): Router {
  const router = Router();

  router.get(
    '/api/v2/orders/new',
    describe({
      summary: 'ChannelEngine: orders not yet acknowledged by the shop (NEW)',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT, list: true },
      responses: { 200: { description: 'a page', schema: merchantApiPageSchema } },
    }),
    async (req, res) => {
      const em = deps.db.em.fork();
      const where: FilterQuery<Order> = { merchantId: merchantOf(res), status: 'NEW', acknowledged: false };
      const [orders, total] = await em.findAndCount(Order, where, { orderBy: { integerId: 'asc' }, limit: MERCHANT_API_PAGE_SIZE });
      sendPage(req, res, 1, await ordersWithLines(em, orders), total);
    },
  );

  router.post(
    '/api/v2/orders/acknowledge',
    describe({
      summary: 'ChannelEngine: the shop retrieved the order and names its own number (NEW -> IN_PROGRESS)',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT },
      body: merchantApiAcknowledgeSchema,
      responses: {
        200: { description: 'done', schema: merchantApiAnswerSchema },
        404: 'no such OrderId',
        409: "the MerchantOrderNo is another order's, or the order has another",
        422: 'the order is shipped, cancelled or closed',
      },
    }),
    async (req, res) => {
      const body = parseRequest(merchantApiAcknowledgeSchema, req.body);
      const order = await deps.db.em.fork().findOne(Order, { merchantId: merchantOf(res), integerId: body.OrderId });
      if (!order) {
        const message = `no order has Id ${body.OrderId}`;
        throw new MerchantApiError(404, message, { OrderId: [message] });
      }
      await inWordsOf({ fields: { merchantOrderNo: 'MerchantOrderNo' }, subject: 'OrderId' }, () =>
        acknowledgeOrder(deps.db.em, order.id, { merchantOrderNo: body.MerchantOrderNo }),
      );
      sendDone(req, res, 200, `order ${body.OrderId} acknowledged as ${body.MerchantOrderNo}`);
    },
  );

  router.get(
    '/api/v2/orders',
    describe({
      summary: 'ChannelEngine: orders by filter (statuses, numbers, dates, acknowledged, with cancellation requests), 100 a page',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT, list: true },
      responses: { 200: { description: 'a page', schema: merchantApiPageSchema }, 400: 'a filter is not valid' },
    }),
    async (req, res) => {
      const query = parseRequest(merchantApiOrdersQuerySchema, req.query, 'the query');
      const where: FilterQuery<Order> & Record<string, unknown> = { merchantId: merchantOf(res) };
      if (query.statuses) where.status = { $in: query.statuses.flatMap(orderStatusesOf) as OrderStatus[] };
      if (query.emailAddresses) where.customerEmail = { $in: query.emailAddresses };
      if (query.merchantOrderNos) where.merchantOrderNo = { $in: query.merchantOrderNos };
      if (query.channelOrderNos) where.channelOrderNo = { $in: query.channelOrderNos };
      if (query.channelIds) where.channel = { $in: query.channelIds.map(channelOfId).filter((c): c is Channel => c !== undefined) };
      if (query.isAcknowledged !== undefined) where.acknowledged = query.isAcknowledged;
      if (query.onlyWithCancellationRequests) where.cancellationRequested = true;
      const range = (from: Date | undefined, to: Date | undefined) => ({ ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) });
      if (query.fromDate || query.toDate) where.placedAt = range(query.fromDate, query.toDate);
      if (query.fromCreatedAtDate || query.toCreatedAtDate) where.createdAt = range(query.fromCreatedAtDate, query.toCreatedAtDate);
      if (query.fromUpdatedAtDate || query.toUpdatedAtDate) where.updatedAt = range(query.fromUpdatedAtDate, query.toUpdatedAtDate);
      if (query.fromAcknowledgedDate || query.toAcknowledgedDate)
        where.acknowledgedAt = range(query.fromAcknowledgedDate, query.toAcknowledgedDate);
      const em = deps.db.em.fork();
      const [orders, total] = await em.findAndCount(Order, where, {
        orderBy: { integerId: 'asc' },
        limit: MERCHANT_API_PAGE_SIZE,
        offset: (query.page - 1) * MERCHANT_API_PAGE_SIZE,
      });
      sendPage(req, res, query.page, await ordersWithLines(em, orders), total);
    },
  );

  return router;
}

/** The orders with their lines and what open cancellation requests ask of each line. */
async function ordersWithLines(em: EntityManager, orders: readonly Order[]) {
  if (orders.length === 0) return [];
  const ids = orders.map((o) => o.id);
  const [lines, open] = await Promise.all([
    em.find(OrderLine, { orderId: { $in: ids } }, { orderBy: { lineNo: 'asc' } }),
    em.find(CancellationRequest, { orderId: { $in: ids }, status: 'REQUESTED' }),
  ]);
  const requestLines = open.length ? await em.find(CancellationRequestLine, { requestId: { $in: open.map((r) => r.id) } }) : [];
  const requested = new Map<string, number>();
  for (const l of requestLines) requested.set(l.orderLineId, (requested.get(l.orderLineId) ?? 0) + l.quantity);
  return orders.map((o) =>
    merchantApiOrder(
      o,
      lines.filter((l) => l.orderId === o.id),
      requested,
    ),
  );
}
