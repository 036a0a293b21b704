import { Router } from 'express';
import { NotFoundError, undoCancellationSchema, type UndoBody, undoBodySchema, undoStartedSchema } from '@cancelflow/domain';
import { describe, parse } from '@cancelflow/service-kit';
import { undoStateQuery } from '@cancelflow/workflows/contracts/undo-cancellation';
import { CancellationUndo, CancellationUndoStep } from '../db/entities/undo.ts';
import { OrderLine } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import { requestUndo } from '../undo/request-undo.ts';
import { ALL, STAFF, ordersOwners } from './owners.ts';
import type { ServiceDeps } from '../deps.ts';
import { liveState } from '../temporal/gateway.ts';
import { stepView } from './views.ts';

/** Undoing cancellations: POST /cancellations/:id/undo, GET /undos/:id, GET /cancellations/:id/undo. */
export function undosRouter(deps: ServiceDeps): Router {
  const router = Router();
  const owners = ordersOwners(deps.db);

  router.post(
    '/cancellations/:id/undo',
    describe({
      summary: 'Undo a cancellation (reopens what it cancelled; the money comes back first)',
      tags: ['undo'],
      access: { roles: STAFF, owner: owners.cancellation({ param: 'id' }) },
      body: undoCancellationSchema,
      responses: {
        202: { description: 'the undo, started', schema: undoStartedSchema },
        200: { description: 'the same undo, started before', schema: undoStartedSchema },
        404: 'no such cancellation',
        422: 'this cancellation cannot be undone',
      },
    }),
    async (req, res) => {
      const input = parse(undoCancellationSchema, req.body);
      const result = await requestUndo(deps, req.params.id, input);
      res
        .status(result.created ? 202 : 200)
        .location(`/undos/${result.undoId}`)
        .json(result);
    },
  );

  router.get(
    '/undos/:id',
    describe({
      summary: 'An undo of a cancellation',
      tags: ['undo'],
      access: { roles: ALL, owner: owners.undo({ param: 'id' }) },
      responses: { 200: { description: 'the undo', schema: undoBodySchema }, 404: 'no such undo' },
    }),
    async (req, res) => {
      const undoId = assertId(req.params.id, 'undo');
      const undo = await deps.db.em.fork().findOne(CancellationUndo, { id: undoId });
      if (!undo) throw new NotFoundError(`no undo ${undoId}`);
      res.json(await undoView(deps, undo));
    },
  );

  /** The latest undo of a cancellation (a failed one makes room for another attempt). */
  router.get(
    '/cancellations/:id/undo',
    describe({
      summary: 'The undo of a cancellation, if any',
      tags: ['undo'],
      access: { roles: ALL, owner: owners.cancellation({ param: 'id' }) },
      responses: { 200: { description: 'the undo', schema: undoBodySchema }, 404: 'the cancellation has no undo' },
    }),
    async (req, res) => {
      const cancellationId = assertId(req.params.id, 'cancellation');
      const [undo] = await deps.db.em.fork().find(CancellationUndo, { cancellationId }, { orderBy: { attempt: 'desc' }, limit: 1 });
      if (!undo)
        throw new NotFoundError(
          `cancellation ${cancellationId} has not been undone: POST /cancellations/${cancellationId}/undo to undo it`,
        );
      res.json(await undoView(deps, undo));
    },
  );

  return router;
}

async function undoView(deps: ServiceDeps, undo: CancellationUndo): Promise<UndoBody> {
  const em = deps.db.em.fork();
  const [steps, lines] = await Promise.all([
    em.find(CancellationUndoStep, { undoId: undo.id }, { orderBy: { at: 'asc' } }),
    em.find(OrderLine, { id: { $in: undo.lines.map((l) => l.lineId) } }),
  ]);
  const MONEY = new Set([
    'LEDGER_TAKEN_BACK',
    'LEDGER_RESTORED',
    'REFUND_STOPPED',
    'REFUND_NOT_STOPPABLE',
    'RECAPTURED',
    'RECAPTURE_REFUSED',
    'PAYMENT_REQUESTED',
    'PAYMENT_REMINDER_SENT',
    'PAYMENT_RECEIVED',
    'PAYMENT_DEADLINE_PASSED',
    'NOTHING_TO_COLLECT',
  ]);
  const stepViews = steps.map(stepView);
  return {
    id: undo.id,
    cancellationId: undo.cancellationId,
    orderId: undo.orderId,
    attempt: undo.attempt,
    status: undo.status,
    reason: undo.reason,
    staffId: undo.staffId,
    workflowId: undo.workflowId,
    amount: undo.amount,
    whole: undo.whole,
    failureReason: undo.failureReason ?? undefined,
    // Each request asked of the customer is recorded under its id: the latest one is the open one.
    paymentRequestId: steps.filter((s) => s.step === 'PAYMENT_REQUESTED').at(-1)?.key || undefined,
    createdAt: undo.createdAt.toISOString(),
    completedAt: undo.completedAt?.toISOString(),
    lines: undo.lines.map((l) => {
      const line = lines.find((o) => o.id === l.lineId);
      return { lineId: l.lineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity, unitPrice: line?.unitPrice };
    }),
    steps: stepViews,
    moneySteps: stepViews.filter((s) => MONEY.has(s.step)),
    live: await liveState(deps, undo.workflowId, undoStateQuery),
  };
}
