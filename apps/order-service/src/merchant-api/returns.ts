import { Router } from 'express';
import {
  channelOfId,
  createReturnSchema,
  merchantApiReturnSchema,
  merchantApiReturnsQuerySchema,
  returnReasonOf,
  returnStatusesOf,
  merchantApiAnswerSchema,
  merchantApiPageSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { Order, OrderLine, Return, ReturnLine } from '../db/entities/index.ts';
import { linesOf } from '../db/order-store.ts';
import { createReturn } from '../returns/create-return.ts';
import type { ServiceDeps } from '../deps.ts';
import { inWordsOf, parseRequest, sendDone, sendPage, type Translation } from './envelope.ts';
import { inOrderOf, pageOfIds } from './list.ts';
import { merchantOf, nativeLines, orderByMerchantOrderNo } from './translate.ts';
import { merchantApiReturn } from './views.ts';

const MERCHANT = ['MERCHANT'] as const;
const FIELDS = {
  merchantReturnNumber: 'MerchantReturnNo',
  comment: 'CustomerComment',
  reason: 'Reason',
  quantity: 'Quantity',
  lineId: 'MerchantProductNo',
};

/** POST /v2/returns/merchant (shipped goods only, the native rule), GET /v2/returns/merchant. */
export function merchantApiReturnsRouter(deps: ServiceDeps): Router {
  const router = Router();

  router.post(
    '/api/v2/returns/merchant',
    describe({
      summary: 'ChannelEngine: the customer sent shipped products back',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT },
      body: merchantApiReturnSchema,
      responses: {
        201: { description: 'done', schema: merchantApiAnswerSchema },
        404: 'no such MerchantOrderNo',
        409: 'MerchantReturnNo taken',
        422: 'more than shipped (unshipped goods are cancelled instead)',
      },
    }),
    async (req, res) => {
      const body = parseRequest(merchantApiReturnSchema, req.body);
      const em = deps.db.em.fork();
      const order = await orderByMerchantOrderNo(em, merchantOf(res), body.MerchantOrderNo);
      const { lines, origins } = nativeLines(
        await linesOf(em, order.id),
        body.Lines,
        (l) => l.shippedQuantity - l.returnedQuantity,
        'return',
      );
      const translation: Translation = { fields: FIELDS, lineOrigins: origins, subject: 'MerchantOrderNo' };
      const comment = body.CustomerComment || body.MerchantComment;
      const created = await inWordsOf(translation, () => {
        const input = parse(createReturnSchema, {
          lines,
          reason: returnReasonOf(body.Reason),
          ...(comment ? { comment } : {}),
          merchantReturnNumber: body.MerchantReturnNo,
        });
        return createReturn(deps.db, order.id, input);
      });
      res.location(`/returns/${created.ret.id}`);
      sendDone(req, res, 201, `return ${body.MerchantReturnNo} recorded`);
    },
  );

  router.get(
    '/api/v2/returns/merchant',
    describe({
      summary: "ChannelEngine: the merchant's returns by filter, oldest first, 100 a page",
      tags: ['merchant api v2'],
      access: { roles: MERCHANT, list: true },
      responses: { 200: { description: 'a page', schema: merchantApiPageSchema }, 400: 'a filter is not valid' },
    }),
    async (req, res) => {
      const query = parseRequest(merchantApiReturnsQuerySchema, req.query, 'the query');
      const em = deps.db.em.fork();
      const conditions: [string, ...unknown[]][] = [[`x."merchant_id" = ?`, merchantOf(res)]];
      if (query.merchantOrderNos) conditions.push([`o."merchant_order_no" in (?)`, query.merchantOrderNos]);
      if (query.channelOrderNos) conditions.push([`o."channel_order_no" in (?)`, query.channelOrderNos]);
      if (query.channelIds)
        conditions.push([`o."channel" in (?)`, [...query.channelIds.map(channelOfId).filter((c) => c !== undefined), '']]);
      if (query.statuses) conditions.push([`x."status" in (?)`, [...query.statuses.flatMap(returnStatusesOf), '']]);
      if (query.reasons) conditions.push([`x."reason" in (?)`, [...query.reasons.map(returnReasonOf), '']]);
      if (query.fromDate) conditions.push([`x."created_at" >= ?`, query.fromDate]);
      if (query.toDate) conditions.push([`x."created_at" < ?`, query.toDate]);
      const { ids, total } = await pageOfIds(
        em,
        `"orders"."return" x join "orders"."order" o on o."id" = x."order_id"`,
        conditions,
        `x."created_at" asc, x."id" asc`,
        query.page,
      );
      const returns = ids.length ? inOrderOf(ids, await em.find(Return, { id: { $in: ids } })) : [];
      const orderIds = [...new Set(returns.map((r) => r.orderId))];
      const [lines, orders, orderLines] = await Promise.all([
        ids.length ? em.find(ReturnLine, { returnId: { $in: ids } }) : [],
        orderIds.length ? em.find(Order, { id: { $in: orderIds } }) : [],
        orderIds.length ? em.find(OrderLine, { orderId: { $in: orderIds } }) : [],
      ]);
      const content = returns.map((r) =>
        merchantApiReturn(
          r,
          lines.filter((l) => l.returnId === r.id),
          orderLines,
          orders.find((o) => o.id === r.orderId)!,
        ),
      );
      sendPage(req, res, query.page, content, total);
    },
  );

  return router;
}
