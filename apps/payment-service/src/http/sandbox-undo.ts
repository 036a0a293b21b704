import { Router } from 'express';
import {
  idSchema,
  sandboxExpireAuthorisationSchema,
  sandboxLedgerSpendSchema,
  type SandboxLedgerSpent,
  type SandboxAuthorisationExpired,
  sandboxAuthorisationExpiredSchema,
  sandboxLedgerSpentSchema,
} from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import type { SandboxUndoProvider } from '../adapters/sandbox-undo-provider.ts';
import type { UndoMoney } from '../undo/index.ts';
import { SERVICE_AND_SUPPORT, type PaymentOwners } from './owners.ts';

/** Test-mode controls for undoing cancellations (only mounted with the sandbox provider). */
export function sandboxUndoRouter(owners: PaymentOwners, money: UndoMoney, provider: SandboxUndoProvider): Router {
  const router = Router();

  /** The customer spends points or store credit that a refund gave back on this order. */
  router.post(
    '/sandbox/ledger/:orderId/spend',
    describe({
      summary: 'Spend points or store credit in the sandbox ledger (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.order({ param: 'orderId' }) },
      body: sandboxLedgerSpendSchema,
      responses: { 201: { description: 'the spend is recorded: what the customer spent', schema: sandboxLedgerSpentSchema } },
    }),
    async (req, res) => {
      const orderId = parse(idSchema, req.params.orderId, 'orderId');
      const input = parse(sandboxLedgerSpendSchema, req.body);
      res.status(201).json({ orderId, kind: input.kind, ...(await money.spendLedger(orderId, input)) } satisfies SandboxLedgerSpent);
    },
  );

  /** The card authorisation of a payment lapses now: it can no longer be recaptured. */
  router.post(
    '/sandbox/authorisations/expire',
    describe({
      summary: 'Expire sandbox card authorisations now (testing aid)',
      tags: ['sandbox'],
      access: { roles: SERVICE_AND_SUPPORT, owner: owners.order({ body: 'orderId' }) },
      body: sandboxExpireAuthorisationSchema,
      responses: { 200: { description: 'what expired', schema: sandboxAuthorisationExpiredSchema } },
    }),
    async (req, res) => {
      const input = parse(sandboxExpireAuthorisationSchema, req.body);
      res.json({ ...input, ...(await provider.expireAuthorisation(input)) } satisfies SandboxAuthorisationExpired);
    },
  );

  return router;
}
