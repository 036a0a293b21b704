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
import { undoView } from './views.ts';

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
      res.json(await undoBody(deps, undo));
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
      res.json(await undoBody(deps, undo));
    },
  );

  return router;
}

async function undoBody(deps: ServiceDeps, undo: CancellationUndo): Promise<UndoBody> {
  const em = deps.db.em.fork();
  const [steps, lines] = await Promise.all([
    em.find(CancellationUndoStep, { undoId: undo.id }, { orderBy: { at: 'asc', id: 'asc' } }),
    em.find(OrderLine, { id: { $in: undo.lines.map((l) => l.lineId) } }),
  ]);
  return { ...undoView(undo, steps, lines), live: await liveState(deps, undo.workflowId, undoStateQuery) };
}
