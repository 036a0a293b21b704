import { Router, type Request } from 'express';
import { cancellationEligibility, selfServiceCancellationRequestSchema, UnavailableError } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { CancellationRequest } from '../db/entities/index.ts';
import { assertId, findOrderOrFail, linesOf } from '../db/order-store.ts';
import { createCancellationRequest } from '../requests/create-request.ts';
import { tokenOf, verifySelfServiceToken } from '../self-service/tokens.ts';
import type { HttpDeps } from './deps.ts';
import { lineView } from './views.ts';

/**
 * The customer's self-service, reached with the signed link of the order confirmation email
 * (?token=… or Authorization: Bearer …): that one order, its eligibility, and a cancellation
 * request. The token is checked before anything is read or written.
 */
export function selfServiceRouter(deps: HttpDeps): Router {
  const router = Router();

  const authorised = async (req: Request): Promise<string> => {
    if (!deps.selfService) throw new UnavailableError('customer self-service is not configured on this order service');
    const orderId = typeof req.params.id === 'string' ? req.params.id.toLowerCase() : '';
    await verifySelfServiceToken(deps.selfService, tokenOf(req.query, req.headers.authorization), orderId);
    return assertId(orderId, 'order');
  };

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

  router.get('/self-service/orders/:id', describe({ summary: 'The customer\'s view of an order (signed self-service link)', tags: ['self-service'], responses: { 200: 'the order as the customer sees it', 401: 'the link is invalid or expired', 404: 'no such order' } }), async (req, res) => {
    const orderId = await authorised(req);
    const { order, lines, eligibility, requests } = await eligibilityOf(orderId);
    res.json({
      id: order.id,
      channel: order.channel,
      channelOrderNo: order.channelOrderNo,
      status: order.status,
      placedAt: order.placedAt.toISOString(),
      currency: order.currency,
      customer: { name: order.customerName },
      cancellationRequested: order.cancellationRequested,
      lines: lines.map(lineView),
      eligibility: { customer: eligibility.customer, lines: eligibility.lines },
      cancellationRequests: requests.map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: r.createdAt.toISOString(),
        returnInstead: r.returnInstead,
        rejectionReason: r.rejectionReason ?? undefined,
      })),
    });
  });

  router.get('/self-service/orders/:id/cancellation-eligibility', describe({ summary: 'What the customer may ask to cancel (signed self-service link)', tags: ['self-service'], responses: { 200: 'eligibility per line', 401: 'the link is invalid or expired' } }), async (req, res) => {
    const orderId = await authorised(req);
    const { order, eligibility } = await eligibilityOf(orderId);
    res.json({ orderId: order.id, status: order.status, ...eligibility });
  });

  router.post('/self-service/orders/:id/cancellation-requests', describe({ summary: 'The customer asks to cancel through the self-service link', tags: ['self-service'], body: selfServiceCancellationRequestSchema, responses: { 201: 'the request', 200: 'the same request, made before', 401: 'the link is invalid or expired', 422: 'the order cannot be cancelled now' } }), async (req, res) => {
    const orderId = await authorised(req);
    const input = parse(selfServiceCancellationRequestSchema, req.body);
    const created = await createCancellationRequest(deps, orderId, { ...input, source: 'CUSTOMER_SELF_SERVICE' });
    res.status(201).json(created);
  });

  return router;
}
