import { Router } from 'express';
import {
  sandboxFaultSchema,
  sandboxSettleSchema,
  type SandboxFaultArmed,
  type SandboxRefundSettled,
  sandboxFaultArmedSchema,
  sandboxRefundSettledSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import type { SandboxProvider } from '../adapters/sandbox-provider.ts';
import { SERVICE_AND_SUPPORT, type PaymentOwners } from './owners.ts';

/** Test-mode controls of the sandbox provider (only mounted when the sandbox is the provider). */
export function sandboxRouter(owners: PaymentOwners, sandbox: SandboxProvider): Router {
  const router = Router();

  /** Makes refunds of an order fail (FAIL, FAIL_ONCE) or wait to be settled by hand (SETTLE_MANUALLY). */
  router.post('/sandbox/faults', describe({ summary: 'Make the sandbox provider fail the next refunds (testing aid)', tags: ['sandbox'], access: { roles: SERVICE_AND_SUPPORT, owner: owners.order({ body: 'orderId' }) }, body: sandboxFaultSchema, responses: { 201: { description: 'the fault, armed', schema: sandboxFaultArmedSchema } } }), async (req, res) => {
    const fault = await sandbox.addFault(parse(sandboxFaultSchema, req.body));
    res.status(201).json({
      id: fault.id,
      orderId: fault.orderId,
      operation: fault.operation,
      mode: fault.mode,
      failureReason: fault.failureReason,
      createdAt: fault.createdAt.toISOString(),
    } satisfies SandboxFaultArmed);
  });

  /** Ends a pending refund as the provider would; the event goes through the provider-event handler. */
  router.post('/sandbox/refunds/:providerRefundId/settle', describe({ summary: 'Settle a pending sandbox refund now (testing aid)', tags: ['sandbox'], access: { roles: SERVICE_AND_SUPPORT, owner: owners['sandbox refund']({ param: 'providerRefundId' }) }, body: sandboxSettleSchema, responses: { 200: { description: 'the provider event it produced', schema: sandboxRefundSettledSchema }, 404: 'no such pending refund' } }), async (req, res) => {
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
  });

  return router;
}
