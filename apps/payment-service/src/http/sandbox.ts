import { Router } from 'express';
import {
  NotFoundError,
  paymentReceivedEventSchema,
  sandboxFaultArmedSchema,
  sandboxFaultSchema,
  sandboxOutageBodySchema,
  sandboxOutageSchema,
  sandboxPaySchema,
  sandboxPaymentTakenSchema,
  sandboxRefundSettledSchema,
  sandboxSettleSchema,
  type SandboxFaultArmed,
  type SandboxOutageBody,
  type SandboxRefundSettled,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import type { SandboxOutage, SandboxProvider } from '../adapters/sandbox-provider.ts';
import { SERVICE_AND_SUPPORT, type PaymentOwners } from './owners.ts';

/** Test-mode controls of the sandbox provider (only mounted when the sandbox is the provider). */
export function sandboxRouter(owners: PaymentOwners, sandbox: SandboxProvider): Router {
  const router = Router();

  /** Makes refunds of an order fail (FAIL, FAIL_ONCE) or wait to be settled by hand (SETTLE_MANUALLY), or settle without ever sending the event (SETTLE_SILENTLY). */
  router.post(
    '/sandbox/faults',
    describe({
      summary: 'Make the sandbox provider fail the next refunds (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.order({ body: 'orderId' }) },
      body: sandboxFaultSchema,
      responses: { 201: { description: 'the fault, armed', schema: sandboxFaultArmedSchema } },
    }),
    async (req, res) => {
      const fault = await sandbox.addFault(parse(sandboxFaultSchema, req.body));
      res.status(201).json({
        id: fault.id,
        orderId: fault.orderId,
        operation: fault.operation,
        mode: fault.mode,
        failureReason: fault.failureReason,
        createdAt: fault.createdAt.toISOString(),
      } satisfies SandboxFaultArmed);
    },
  );

  /** Ends a pending refund as the provider would; the event goes through the provider-event handler. */
  router.post(
    '/sandbox/refunds/:providerRefundId/settle',
    describe({
      summary: 'Settle a pending sandbox refund now (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners['sandbox refund']({ param: 'providerRefundId' }) },
      body: sandboxSettleSchema,
      responses: {
        200: { description: 'the provider event it produced', schema: sandboxRefundSettledSchema },
        404: 'no such pending refund',
      },
    }),
    async (req, res) => {
      const input = parse(sandboxSettleSchema, req.body);
      const row = await sandbox.settle(req.params.providerRefundId, input);
      res.json({
        providerRefundId: row.providerRefundId,
        kind: row.kind,
        amount: row.amount,
        currency: row.currency,
        status: row.status,
        failureReason: row.failureReason ?? null,
        settledAt: row.settledAt ? row.settledAt.toISOString() : null,
      } satisfies SandboxRefundSettled);
    },
  );

  /** The customer pays a payment request; the provider tells us with payment.received (from its outbox). */
  router.post(
    '/sandbox/payment-requests/:id/pay',
    describe({
      summary: 'Pay a payment request as the customer would (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners['payment request']({ param: 'id' }) },
      body: sandboxPaySchema,
      responses: {
        201: { description: 'the provider took the payment', schema: sandboxPaymentTakenSchema },
        200: { description: 'it had already been paid', schema: sandboxPaymentTakenSchema },
      },
    }),
    async (req, res) => {
      const paymentRequestId = parse(paymentReceivedEventSchema.shape.paymentRequestId, req.params.id, 'id');
      const input = parse(sandboxPaySchema, req.body);
      const paid = await sandbox.payPaymentRequest({ paymentRequestId, ...input });
      res
        .status(paid.created ? 201 : 200)
        .json({ paymentRequestId, providerPaymentId: paid.providerPaymentId, amount: input.amount, currency: input.currency });
    },
  );

  return router;
}

/**
 * The provider down for every order's refunds for a while (refunds wait, then settle once): a
 * chaos run's switch, mounted only when SANDBOX_OUTAGES is set.
 */
export function sandboxOutageRouter(sandbox: SandboxProvider): Router {
  const router = Router();

  router.post(
    '/sandbox/outage',
    describe({
      summary: 'Take the sandbox provider down for every order for a while (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, acrossMerchants: true },
      body: sandboxOutageSchema,
      responses: { 201: { description: 'the provider is down until the time it gives', schema: sandboxOutageBodySchema } },
    }),
    async (req, res) => {
      const outage = await sandbox.startOutage(parse(sandboxOutageSchema, req.body));
      res.status(201).json(outageView(outage));
    },
  );

  router.delete(
    '/sandbox/outage',
    describe({
      summary: 'Bring the sandbox provider back now (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, acrossMerchants: true },
      responses: { 200: { description: 'the outage it ended', schema: sandboxOutageBodySchema }, 404: 'the provider is not down' },
    }),
    async (_req, res) => {
      const ended = await sandbox.endOutage();
      if (!ended) throw new NotFoundError('the sandbox provider is not down');
      res.json(outageView(ended));
    },
  );

  return router;
}

const outageView = (outage: SandboxOutage): SandboxOutageBody => ({
  mode: outage.mode,
  startedAt: outage.startedAt.toISOString(),
  until: outage.until.toISOString(),
});
