import { Router, type Request, type Response } from 'express';
import {
  cancellationEligibility,
  NotFoundError,
  selfServiceAcknowledgementSchema,
  selfServiceCancellationRequestSchema,
  UnavailableError,
  type SelfServiceOrder,
  type EligibilityBody,
  type AcknowledgementRecorded,
  acknowledgementRecordedSchema,
  cancellationRequestCreatedSchema,
  eligibilityBodySchema,
  selfServiceOrderSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { CancellationRequest, CancelledButShipped, CancelledButShippedLine, OrderLine, Shipment } from '../db/entities/index.ts';
import { assertId, findOrderOrFail, linesOf } from '../db/order-store.ts';
import { createCancellationRequest } from '../requests/create-request.ts';
import { orderOfSelfServiceToken, tokenOf, verifySelfServiceToken } from '../self-service/tokens.ts';
import { recordCancelledButShippedAcknowledgement } from './cancelled-but-shipped.ts';
import type { ServiceDeps } from '../deps.ts';
import type { SelfServiceSettings } from '../config.ts';
import { lineView } from './views.ts';
import { totalsOf } from '../orders/order-money.ts';

/**
 * The customer's self-service, reached with the signed link of the order confirmation email
 * (?token=… or Authorization: Bearer …): that one order, its eligibility, and a cancellation
 * request, and the answer to a cancelled-but-shipped process of that order. The token is checked
 * before anything is read or written.
 */

/** Cancelled-but-shipped processes the customer still has something to see or answer: not finished, not turned into a return. */
const OPEN_CANCELLED_BUT_SHIPPED_STATUSES = [
  'AWAITING_ACKNOWLEDGEMENT',
  'ACKNOWLEDGED',
  'AWAITING_REBILL_APPROVAL',
  'REBILLING',
  'AWAITING_CREDIT_MEMO',
] as const;

/** Who the acknowledgement is recorded as when the customer answers on the self-service page. */
export const SELF_SERVICE_ACKNOWLEDGER = 'customer (self-service page)';
export function selfServiceRouter(deps: ServiceDeps): Router {
  const router = Router();
  // Per order: one link's page cannot be hammered (or its token guessed) faster than a person reads.
  if (deps.rateLimits) {
    const perOrder = deps.rateLimits.limit({
      name: 'customer_link',
      limit: deps.rateLimits.settings.perCustomerLink,
      keyOf: (req) => (typeof req.params.id === 'string' ? req.params.id.toLowerCase() : undefined),
    });
    router.use(['/self-service/orders/:id', '/self-service/cancelled-but-shipped/:id'], perOrder);
  }

  const settings = (): SelfServiceSettings => {
    if (!deps.selfService) throw new UnavailableError('customer self-service is not configured on this order service');
    return deps.selfService;
  };
  /** The link's token must be for the order of the path. */
  const linkToThisOrder = {
    customer: async (req: Request): Promise<string> => {
      const orderId = typeof req.params.id === 'string' ? req.params.id.toLowerCase() : '';
      await verifySelfServiceToken(settings(), tokenOf(req.query, req.headers.authorization), orderId);
      return assertId(orderId, 'order');
    },
  };
  /** Any valid link: the route checks that what it addresses belongs to the link's order. */
  const linkToAnOrder = {
    customer: (req: Request): Promise<string> => orderOfSelfServiceToken(settings(), tokenOf(req.query, req.headers.authorization)),
  };
  /** The order of the customer's link, checked by the route's access before the handler runs. */
  const linkedOrder = (res: Response): string => res.locals.customer as string;

  const eligibilityOf = async (orderId: string) => {
    const em = deps.db.em.fork();
    const order = await findOrderOrFail(em, orderId);
    const lines = await linesOf(em, order.id);
    const eligibility = cancellationEligibility(
      { channel: order.channel, status: order.status, placedAt: order.placedAt, selfServiceEnabled: order.selfServiceEnabled, lines },
      new Date(),
    );
    const requests = await em.find(CancellationRequest, { orderId: order.id }, { orderBy: { createdAt: 'asc' } });
    return { order, lines, eligibility, requests };
  };

  /** What shipped though it was cancelled, with which carrier, and what the customer will be charged again. */
  const openCancelledButShippedOf = async (orderId: string) => {
    const em = deps.db.em.fork();
    const cancelledButShippedList = await em.find(
      CancelledButShipped,
      { orderId, status: { $in: [...OPEN_CANCELLED_BUT_SHIPPED_STATUSES] } },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    if (cancelledButShippedList.length === 0) return [];
    const [cancelledButShippedLines, shipments] = await Promise.all([
      em.find(CancelledButShippedLine, { cancelledButShippedId: { $in: cancelledButShippedList.map((c) => c.id) } }),
      em.find(Shipment, { id: { $in: cancelledButShippedList.map((c) => c.shipmentId) } }),
    ]);
    const orderLines = await em.find(OrderLine, { id: { $in: cancelledButShippedLines.map((l) => l.orderLineId) } });
    return cancelledButShippedList.map((c) => {
      const shipment = shipments.find((s) => s.id === c.shipmentId);
      return {
        id: c.id,
        status: c.status,
        awaitingAcknowledgement: c.status === 'AWAITING_ACKNOWLEDGEMENT' && !c.acknowledgement,
        acknowledgement: c.acknowledgement ? { accepted: c.acknowledgement.accepted, at: c.acknowledgement.at } : undefined,
        carrier: shipment?.carrier,
        trackingNumber: shipment?.trackingNumber,
        shippedAt: shipment?.shippedAt.toISOString(),
        amount: c.amount,
        currency: c.currency,
        lines: cancelledButShippedLines
          .filter((l) => l.cancelledButShippedId === c.id)
          .map((l) => {
            const line = orderLines.find((o) => o.id === l.orderLineId);
            return { lineId: l.orderLineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity, unitPrice: l.unitPrice };
          }),
      };
    });
  };

  router.get(
    '/self-service/orders/:id',
    describe({
      summary: "The customer's view of an order (signed self-service link)",
      tags: ['self-service'],
      access: linkToThisOrder,
      responses: {
        200: { description: 'the order as the customer sees it', schema: selfServiceOrderSchema },
        401: 'the link is invalid or expired',
        404: 'no such order',
      },
    }),
    async (req, res) => {
      const orderId = linkedOrder(res);
      const { order, lines, eligibility, requests } = await eligibilityOf(orderId);
      const cancelledButShipped = await openCancelledButShippedOf(order.id);
      const totals = totalsOf(order, lines);
      res.json({
        id: order.id,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        status: order.status,
        placedAt: order.placedAt.toISOString(),
        currency: order.currency,
        customer: { name: order.customerName },
        cancellationRequested: order.cancellationRequested,
        lines: lines.map((l, i) => lineView(l, totals.lines[i])),
        total: totals.total,
        eligibility: { customer: eligibility.customer, lines: eligibility.lines },
        cancellationRequests: requests.map((r) => ({
          id: r.id,
          status: r.status,
          createdAt: r.createdAt.toISOString(),
          returnInstead: r.returnInstead,
          rejectionReason: r.rejectionReason ?? undefined,
        })),
        cancelledButShipped,
      } satisfies SelfServiceOrder);
    },
  );

  router.get(
    '/self-service/orders/:id/cancellation-eligibility',
    describe({
      summary: 'What the customer may ask to cancel (signed self-service link)',
      tags: ['self-service'],
      access: linkToThisOrder,
      responses: { 200: { description: 'eligibility per line', schema: eligibilityBodySchema }, 401: 'the link is invalid or expired' },
    }),
    async (req, res) => {
      const orderId = linkedOrder(res);
      const { order, eligibility } = await eligibilityOf(orderId);
      res.json({ orderId: order.id, status: order.status, ...eligibility } satisfies EligibilityBody);
    },
  );

  router.post(
    '/self-service/orders/:id/cancellation-requests',
    describe({
      summary: 'The customer asks to cancel through the self-service link',
      tags: ['self-service'],
      access: linkToThisOrder,
      body: selfServiceCancellationRequestSchema,
      responses: {
        201: { description: 'the request', schema: cancellationRequestCreatedSchema },
        401: 'the link is invalid or expired',
        422: 'the order cannot be cancelled now',
      },
    }),
    async (req, res) => {
      const orderId = linkedOrder(res);
      const input = parse(selfServiceCancellationRequestSchema, req.body);
      const { request } = await createCancellationRequest(deps, orderId, { ...input, source: 'CUSTOMER_SELF_SERVICE' });
      res.status(201).json(request);
    },
  );

  /**
   * The customer answers a cancelled-but-shipped process of the token's order: keep the item and be
   * charged again, or refuse it. Recorded through the same path as support's record, marked as
   * coming from the self-service page (via SELF_SERVICE), with the customer's statement as the
   * evidence. Another order's cancelled-but-shipped process is "not found".
   */
  router.post(
    '/self-service/cancelled-but-shipped/:id/acknowledgement',
    describe({
      summary: 'The customer accepts or refuses a cancelled-but-shipped rebilling (signed self-service link)',
      tags: ['self-service'],
      access: linkToAnOrder,
      body: selfServiceAcknowledgementSchema,
      responses: {
        202: { description: 'the acknowledgement is recorded', schema: acknowledgementRecordedSchema },
        401: 'the link is invalid or expired',
        404: 'no such cancelled-but-shipped process for this order',
        409: 'the cancelled-but-shipped process does not wait for an acknowledgement',
      },
    }),
    async (req, res) => {
      const orderId = linkedOrder(res);
      const cancelledButShippedId = assertId(req.params.id, 'cancelled-but-shipped process');
      const cancelledButShipped = await deps.db.em.fork().findOne(CancelledButShipped, { id: cancelledButShippedId });
      if (!cancelledButShipped || cancelledButShipped.orderId !== orderId)
        throw new NotFoundError(`no cancelled-but-shipped process ${cancelledButShippedId} for this order`);
      const input = parse(selfServiceAcknowledgementSchema, req.body);
      const result = await recordCancelledButShippedAcknowledgement(deps, cancelledButShipped, {
        staffId: SELF_SERVICE_ACKNOWLEDGER,
        via: 'SELF_SERVICE',
        accepted: input.accepted,
        evidence: `The customer ${input.accepted ? 'accepted' : 'refused'} on the self-service page, in their own words: "${input.statement}"`,
      });
      res.status(202).json({
        cancelledButShippedId: cancelledButShipped.id,
        accepted: result.accepted,
        recordedBy: SELF_SERVICE_ACKNOWLEDGER,
      } satisfies AcknowledgementRecorded);
    },
  );

  return router;
}
