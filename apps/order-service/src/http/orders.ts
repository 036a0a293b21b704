import { Router } from 'express';
import type { FilterQuery } from '@mikro-orm/core';
import {
  cancellationEligibility,
  cancellationEligibilityQuerySchema,
  createCancellationSchema,
  importOrderSchema,
  listOrdersQuerySchema,
  type OrderPage,
  type OrderDetail,
  type EligibilityBody,
  type CancellationStarted,
  cancellationStartedSchema,
  eligibilityBodySchema,
  orderBodySchema,
  orderDetailSchema,
  orderPageSchema,
} from '@cancelflow/domain';
import { describe, merchantFilter, parse, principalOf } from '@cancelflow/service-kit';
import { Order, OrderLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { importOrder } from '../orders/import-order.ts';
import { acknowledgeOrder } from '../orders/acknowledge-order.ts';
import { sendOrderConfirmation } from '../orders/order-confirmation.ts';
import { createCancellation } from '../cancellations/create-cancellation.ts';
import { ALL, STAFF, ordersOwners } from './owners.ts';
import { refundedBy, refundPreviews } from '../orders/order-money.ts';
import type { ServiceDeps } from '../deps.ts';
import { cancellationView, orderView } from './views.ts';
import { loadOrderMoneyPage, loadOrderPage } from '../db/pages.ts';
import { orderTimeline } from '../orders/order-timeline.ts';
import { shipmentsOfOrder } from './shipment-views.ts';

export function ordersRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);
  const em = () => deps.db.em.fork();

  router.post(
    '/orders',
    describe({
      summary: 'Import an order from a channel (idempotent on channel + channelOrderNo)',
      tags: ['orders'],
      access: { roles: ['SERVICE'], actsFor: { body: 'merchantId' } },
      body: importOrderSchema,
      responses: {
        201: { description: 'the order, imported', schema: orderBodySchema },
        200: { description: 'the order, imported before by the same channel order number', schema: orderBodySchema },
      },
    }),
    async (req, res) => {
      const input = parse(importOrderSchema, req.body);
      const { created, order, lines } = await importOrder(em(), input);
      if (created) await sendOrderConfirmation(deps, order, lines);
      res
        .status(created ? 201 : 200)
        .location(`/orders/${order.id}`)
        .json(orderView(order, lines));
    },
  );

  router.get(
    '/orders',
    describe({
      summary: 'List orders (filter by status, channel; search by channel order number)',
      tags: ['orders'],
      access: { roles: ALL, list: true },
      query: listOrdersQuerySchema,
      responses: { 200: { description: 'a page of orders: items, total, limit, offset', schema: orderPageSchema } },
    }),
    async (req, res) => {
      const query = parse(listOrdersQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), query.merchantId);
      if (scope === null) return void res.json({ items: [], total: 0, limit: query.limit, offset: query.offset });
      const where: FilterQuery<Order> = scope ? { merchantId: scope } : {};
      if (query.status) where.status = query.status;
      if (query.channel) where.channel = query.channel;
      if (query.cancellationRequested !== undefined) where.cancellationRequested = query.cancellationRequested;
      if (query.q) where.channelOrderNo = { $ilike: `${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` };
      const fork = em();
      const [orders, total] = await fork.findAndCount(Order, where, {
        orderBy: { createdAt: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      const lines = orders.length
        ? await fork.find(OrderLine, { orderId: { $in: orders.map((o) => o.id) } }, { orderBy: { lineNo: 'asc' } })
        : [];
      res.json({
        items: orders.map((o) =>
          orderView(
            o,
            lines.filter((l) => l.orderId === o.id),
          ),
        ),
        total,
        limit: query.limit,
        offset: query.offset,
      } satisfies OrderPage);
    },
  );

  router.get(
    '/orders/:id',
    describe({
      summary: 'An order with its lines, quantities, cancellations and timeline',
      tags: ['orders'],
      access: { roles: ALL, owner: owners.order({ param: 'id' }) },
      responses: { 200: { description: 'the order', schema: orderDetailSchema }, 404: 'no such order' },
    }),
    async (req, res) => {
      const page = await loadOrderPage(em(), req.params.id);
      const { order, lines, steps } = page;
      res.json({
        ...orderView(order, lines),
        cancellations: page.cancellations.map((c) =>
          cancellationView(
            c,
            page.cancelledLines.filter((l) => l.cancellationId === c.id),
            lines,
            steps.filter((s) => s.cancellationId === c.id),
            page.disputes.find((d) => d.cancellationId === c.id),
          ),
        ),
        timeline: orderTimeline(page.events, steps),
        ...shipmentsOfOrder(page),
      } satisfies OrderDetail);
    },
  );

  router.post(
    '/orders/:id/acknowledge',
    describe({
      summary: 'The shop retrieved the order (NEW -> IN_PROGRESS)',
      tags: ['orders'],
      access: { roles: ['SERVICE'], owner: owners.order({ param: 'id' }) },
      responses: {
        200: { description: 'the order', schema: orderBodySchema },
        404: 'no such order',
        422: 'the order is shipped, cancelled or closed',
      },
    }),
    async (req, res) => {
      const result = await acknowledgeOrder(deps.db.em, assertId(req.params.id, 'order'));
      res.json(orderView(result.order, result.lines));
    },
  );

  router.get(
    '/orders/:id/cancellation-eligibility',
    describe({
      summary:
        'Which lines and quantities can be cancelled now, by whom, and why not for the rest; what a cancellation would refund (refundPreview: of ?lines=<lineId>:<quantity>,... or of everything cancellable; per line, of its cancellable rest)',
      tags: ['cancellations'],
      access: { roles: ALL, owner: owners.order({ param: 'id' }) },
      query: cancellationEligibilityQuerySchema,
      responses: {
        200: { description: 'eligibility per line, with refund previews', schema: eligibilityBodySchema },
        400: 'lines is not <lineId>:<quantity>,...',
        404: 'no such order',
        409: 'more than is open on a line',
        422: 'a channel rule refuses cancelling those quantities',
      },
    }),
    async (req, res) => {
      const query = parse(cancellationEligibilityQuerySchema, req.query, 'query');
      const { order, lines, standing, standingLines } = await loadOrderMoneyPage(em(), req.params.id);
      const eligibility = cancellationEligibility(
        {
          channel: order.channel,
          status: order.status,
          placedAt: order.placedAt,
          selfServiceEnabled: order.selfServiceEnabled,
          lines,
        },
        new Date(),
      );
      const { preview, perLine } = refundPreviews(order, lines, refundedBy(standing, standingLines), eligibility.lines, query.lines);
      res.json({
        orderId: order.id,
        status: order.status,
        ...eligibility,
        lines: eligibility.lines.map((l) => ({ ...l, refundPreview: perLine.get(l.lineId) })),
        refundPreview: preview,
      } satisfies EligibilityBody);
    },
  );

  router.post(
    '/orders/:id/cancellations',
    describe({
      summary: 'Cancel lines of an order: starts the cancellation process',
      tags: ['cancellations'],
      access: { roles: STAFF, owner: owners.order({ param: 'id' }) },
      body: createCancellationSchema,
      responses: {
        202: { description: 'started: cancellationId, workflowId, status', schema: cancellationStartedSchema },
        200: { description: 'the same cancellation, requested before (identical repeat)', schema: cancellationStartedSchema },
        409: 'merchant cancellation number reused, or more than is open',
        422: 'a channel rule refuses it (whole lines only, shipped ...)',
        503: 'Temporal did not answer in time; nothing was written',
      },
    }),
    async (req, res) => {
      const orderId = assertId(req.params.id, 'order');
      const input = parse(createCancellationSchema, req.body);
      const result = await createCancellation(deps, orderId, input);
      res
        .status(result.created ? 202 : 200)
        .location(`/cancellations/${result.cancellationId}`)
        .json({
          cancellationId: result.cancellationId,
          workflowId: result.workflowId,
          status: result.status,
        } satisfies CancellationStarted);
    },
  );

  return router;
}
