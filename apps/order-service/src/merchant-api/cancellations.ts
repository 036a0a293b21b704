import { Router } from 'express';
import {
  cancellationReasonOf,
  createCancellationSchema,
  merchantApiCancellationSchema,
  merchantApiCancellationsQuerySchema,
  openQuantity,
  merchantApiAnswerSchema,
  merchantApiPageSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { Cancellation, CancellationLine, Order, OrderLine } from '../db/entities/index.ts';
import { linesOf } from '../db/order-store.ts';
import { createCancellation } from '../cancellations/create-cancellation.ts';
import type { ServiceDeps } from '../deps.ts';
import { inWordsOf, parseRequest, sendDone, sendPage, type Translation } from './envelope.ts';
import { inOrderOf, pageOfIds } from './list.ts';
import { merchantOf, nativeLines, orderByMerchantOrderNo } from './translate.ts';
import { merchantApiCancellation } from './views.ts';

const MERCHANT = ['MERCHANT'] as const;
const FIELDS = {
  merchantCancellationNumber: 'MerchantCancellationNo',
  comment: 'Reason',
  reason: 'ReasonCode',
  quantity: 'Quantity',
  lineId: 'MerchantProductNo',
};

/** POST /v2/cancellations (the same cancellation process as the native API), GET /v2/cancellations/merchant. */
export function merchantApiCancellationsRouter(deps: ServiceDeps): Router {
  const router = Router();

  router.post(
    '/api/v2/cancellations',
    describe({
      summary: 'ChannelEngine: cancel products of an order: starts the cancellation process (refund, channel, customer email)',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT },
      body: merchantApiCancellationSchema,
      responses: {
        201: { description: 'done', schema: merchantApiAnswerSchema },
        200: { description: 'done', schema: merchantApiAnswerSchema },
        404: 'no such MerchantOrderNo',
        409: 'MerchantCancellationNo reused',
        422: 'more than is open, or shipped goods (a return)',
      },
    }),
    async (req, res) => {
      const body = parseRequest(merchantApiCancellationSchema, req.body);
      const em = deps.db.em.fork();
      const order = await orderByMerchantOrderNo(em, merchantOf(res), body.MerchantOrderNo);
      const { lines, origins } = nativeLines(await linesOf(em, order.id), body.Lines, openQuantity, 'cancel');
      const translation: Translation = { fields: FIELDS, lineOrigins: origins, subject: 'MerchantOrderNo' };
      const result = await inWordsOf(translation, () => {
        const input = parse(createCancellationSchema, {
          lines,
          reason: cancellationReasonOf(body.ReasonCode),
          ...(body.Reason ? { comment: body.Reason } : {}),
          merchantCancellationNumber: body.MerchantCancellationNo,
          initiator: 'MERCHANT',
        });
        return createCancellation(deps, order.id, input);
      });
      res.location(`/cancellations/${result.cancellationId}`);
      sendDone(
        req,
        res,
        result.created ? 201 : 200,
        result.created
          ? `cancellation ${body.MerchantCancellationNo} started: the refund comes first`
          : `cancellation ${body.MerchantCancellationNo} was made before`,
      );
    },
  );

  router.get(
    '/api/v2/cancellations/merchant',
    describe({
      summary: 'ChannelEngine: the cancellations of the orders the shop acknowledged, oldest first, 100 a page',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT, list: true },
      responses: { 200: { description: 'a page', schema: merchantApiPageSchema }, 400: 'createdSince or page is not valid' },
    }),
    async (req, res) => {
      const query = parseRequest(merchantApiCancellationsQuerySchema, req.query, 'the query');
      const em = deps.db.em.fork();
      const conditions: [string, ...unknown[]][] = [[`x."merchant_id" = ?`, merchantOf(res)], [`o."merchant_order_no" is not null`]];
      if (query.createdSince) conditions.push([`x."created_at" >= ?`, query.createdSince]);
      const { ids, total } = await pageOfIds(
        em,
        `"orders"."cancellation" x join "orders"."order" o on o."id" = x."order_id"`,
        conditions,
        `x."created_at" asc, x."id" asc`,
        query.page,
      );
      const cancellations = ids.length ? inOrderOf(ids, await em.find(Cancellation, { id: { $in: ids } })) : [];
      const orderIds = [...new Set(cancellations.map((c) => c.orderId))];
      const [lines, orders, orderLines] = await Promise.all([
        ids.length ? em.find(CancellationLine, { cancellationId: { $in: ids } }) : [],
        orderIds.length ? em.find(Order, { id: { $in: orderIds } }) : [],
        orderIds.length ? em.find(OrderLine, { orderId: { $in: orderIds } }) : [],
      ]);
      const content = cancellations.map((c) =>
        merchantApiCancellation(
          c,
          lines.filter((l) => l.cancellationId === c.id),
          orderLines,
          orders.find((o) => o.id === c.orderId)!,
        ),
      );
      sendPage(req, res, query.page, content, total);
    },
  );

  return router;
}
