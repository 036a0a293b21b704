import { Router } from 'express';
import {
  createShipmentSchema,
  merchantApiShipmentSchema,
  merchantApiShipmentsQuerySchema,
  merchantApiAnswerSchema,
  merchantApiPageSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { Order, OrderLine, Shipment, ShipmentLine } from '../db/entities/index.ts';
import { linesOf } from '../db/order-store.ts';
import { createShipment } from '../shipments/create-shipment.ts';
import type { ServiceDeps } from '../deps.ts';
import { inWordsOf, parseRequest, sendDone, sendPage, type Translation } from './envelope.ts';
import { inOrderOf, pageOfIds } from './list.ts';
import { merchantOf, nativeLines, orderByMerchantOrderNo } from './translate.ts';
import { merchantApiShipment } from './views.ts';

const MERCHANT = ['MERCHANT'] as const;
const FIELDS = {
  shipmentNumber: 'MerchantShipmentNo',
  trackingNumber: 'TrackTraceNo',
  carrier: 'Method',
  shippedAt: 'ShipmentDate',
  quantity: 'Quantity',
  lineId: 'MerchantProductNo',
};

/** POST /v2/shipments (the same shipment rules as the native API: cancelled but shipped, fill or kill), GET /v2/shipments/merchant. */
export function merchantApiShipmentsRouter(deps: ServiceDeps): Router {
  const router = Router();

  router.post(
    '/api/v2/shipments',
    describe({
      summary: 'ChannelEngine: products of an order shipped',
      tags: ['merchant api v2'],
      access: { roles: MERCHANT },
      body: merchantApiShipmentSchema,
      responses: {
        201: { description: 'done', schema: merchantApiAnswerSchema },
        200: { description: 'done', schema: merchantApiAnswerSchema },
        400: 'Method (the carrier) or TrackTraceNo missing',
        404: 'no such MerchantOrderNo',
        409: 'MerchantShipmentNo taken by other content',
        422: 'more than the order has',
      },
    }),
    async (req, res) => {
      const body = parseRequest(merchantApiShipmentSchema, req.body);
      const em = deps.db.em.fork();
      const order = await orderByMerchantOrderNo(em, merchantOf(res), body.MerchantOrderNo);
      const { lines, origins } = nativeLines(await linesOf(em, order.id), body.Lines, (l) => l.quantity - l.shippedQuantity, 'ship');
      const translation: Translation = { fields: FIELDS, lineOrigins: origins, subject: 'MerchantOrderNo' };
      const result = await inWordsOf(translation, () => {
        const input = parse(createShipmentSchema, {
          shipmentNumber: body.MerchantShipmentNo,
          lines,
          carrier: body.Method ?? undefined,
          trackingNumber: body.TrackTraceNo ?? undefined,
          ...(body.ShipmentDate ? { shippedAt: body.ShipmentDate.toISOString() } : {}),
        });
        return createShipment(deps, order.id, input);
      });
      res.location(`/shipments/${result.shipmentId}`);
      sendDone(
        req,
        res,
        result.created ? 201 : 200,
        result.created ? `shipment ${body.MerchantShipmentNo} recorded` : `shipment ${body.MerchantShipmentNo} was recorded before`,
      );
    },
  );

  router.get(
    '/api/v2/shipments/merchant',
    describe({
      summary: "ChannelEngine: the merchant's shipments by filter, oldest first, 100 a page",
      tags: ['merchant api v2'],
      access: { roles: MERCHANT, list: true },
      responses: { 200: { description: 'a page', schema: merchantApiPageSchema }, 400: 'a filter is not valid' },
    }),
    async (req, res) => {
      const query = parseRequest(merchantApiShipmentsQuerySchema, req.query, 'the query');
      const em = deps.db.em.fork();
      const conditions: [string, ...unknown[]][] = [[`o."merchant_id" = ?`, merchantOf(res)]];
      if (query.merchantShipmentNos) conditions.push([`x."shipment_number" in (?)`, query.merchantShipmentNos]);
      if (query.merchantOrderNos) conditions.push([`o."merchant_order_no" in (?)`, query.merchantOrderNos]);
      if (query.channelOrderNos) conditions.push([`o."channel_order_no" in (?)`, query.channelOrderNos]);
      if (query.fromShipmentDate) conditions.push([`x."shipped_at" >= ?`, query.fromShipmentDate]);
      if (query.toShipmentDate) conditions.push([`x."shipped_at" < ?`, query.toShipmentDate]);
      if (query.fromCreateDate) conditions.push([`x."created_at" >= ?`, query.fromCreateDate]);
      if (query.toCreateDate) conditions.push([`x."created_at" < ?`, query.toCreateDate]);
      const { ids, total } = await pageOfIds(
        em,
        `"orders"."shipment" x join "orders"."order" o on o."id" = x."order_id"`,
        conditions,
        `x."created_at" asc, x."id" asc`,
        query.page,
      );
      const shipments = ids.length ? inOrderOf(ids, await em.find(Shipment, { id: { $in: ids } })) : [];
      const orderIds = [...new Set(shipments.map((s) => s.orderId))];
      const [lines, orders, orderLines] = await Promise.all([
        ids.length ? em.find(ShipmentLine, { shipmentId: { $in: ids } }) : [],
        orderIds.length ? em.find(Order, { id: { $in: orderIds } }) : [],
        orderIds.length ? em.find(OrderLine, { orderId: { $in: orderIds } }) : [],
      ]);
      const content = shipments.map((s) =>
        merchantApiShipment(
          s,
          lines.filter((l) => l.shipmentId === s.id),
          orderLines,
          orders.find((o) => o.id === s.orderId)!,
        ),
      );
      sendPage(req, res, query.page, content, total);
    },
  );

  return router;
}
