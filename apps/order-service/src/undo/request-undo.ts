/**
 * POST /cancellations/:id/undo: checks the rule (planUndo, the domain's) and starts the undo
 * process in ONE transaction under the order's row lock, so an undo, a new cancellation and a
 * shipment of the same line are served one after the other. Undoing twice answers with the
 * undo already there and starts nothing.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, NotFoundError, policyFor, refundShareOf, type UndoCancellationInput, type UndoStarted } from '@cancelflow/domain';
import { planUndo, undoCancellationWorkflowId } from '@cancelflow/domain/undo-cancellation';
import { UNDO_CANCELLATION_WORKFLOW_TYPE, type UndoCancellationWorkflowInput } from '@cancelflow/workflows/contracts/undo-cancellation';
import { Cancellation, CancellationLine, Dispute } from '../db/entities/index.ts';
import { CancellationUndo, CancellationUndoStep } from '../db/entities/undo.ts';
import { assertId, linesOf, lockOrderOrFail, recordOrderEvent } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { startProcess } from '../temporal/gateway.ts';

/** The answer of POST /cancellations/:id/undo (created false: an undo was already there, in progress or done). */
export type RequestUndoResult = UndoStarted;

export async function requestUndo(deps: ServiceDeps, id: string | undefined, input: UndoCancellationInput): Promise<RequestUndoResult> {
  const cancellationId = assertId(id, 'cancellation');
  const first = await deps.db.em.fork().findOne(Cancellation, { id: cancellationId });
  if (!first) throw new NotFoundError(`no cancellation ${cancellationId}`);

  return deps.db.em.fork().transactional(async (em) => {
    const order = await lockOrderOrFail(em, first.orderId);
    const cancellation = (await em.findOne(Cancellation, { id: cancellationId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }))!;
    const existing = await liveUndoOf(em, cancellationId);
    if (existing) {
      return { created: false, undoId: existing.id, cancellationId, workflowId: existing.workflowId, status: existing.status };
    }

    const [lines, cancelled, dispute, attempts] = await Promise.all([
      linesOf(em, order.id),
      em.find(CancellationLine, { cancellationId }),
      em.findOne(Dispute, { cancellationId }),
      em.count(CancellationUndo, { cancellationId }),
    ]);
    const paid = order.payments.reduce((n, p) => n + p.amount, 0);
    const plan = planUndo({
      order: { channel: order.channel, status: order.status, lines },
      cancellation: {
        reason: cancellation.reason,
        status: cancellation.status,
        lines: cancelled.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity })),
        disputed: dispute !== null || (policyFor(order.channel).paidUnshippedCancelOpensDispute && paid > 0 && !order.thirdPartyManaged),
      },
    });

    const undoId = randomUUID();
    const workflowId = undoCancellationWorkflowId(cancellationId);
    // What it collects back is what the cancellation refunded for the units it reopens (their
    // share of its line refunds) and the shipping it gave back: the order is open again.
    const amount =
      plan.lines.reduce((n, l) => {
        const refunded = cancelled.find((c) => c.orderLineId === l.lineId)!;
        return n + refundShareOf(refunded, l.quantity).amount;
      }, 0) + cancellation.shippingAmount;
    const now = new Date();
    em.create(CancellationUndo, {
      id: undoId,
      cancellationId,
      orderId: order.id,
      attempt: attempts + 1,
      status: 'IN_PROGRESS',
      reason: input.reason,
      staffId: input.staffId,
      workflowId,
      lines: plan.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
      amount,
      whole: plan.whole,
      failureReason: null,
      createdAt: now,
      completedAt: null,
    });
    await em.flush();
    const described = plan.lines.map((l) => `line ${l.lineNo}: ${l.quantity}`).join(', ');
    const shipped = plan.shippedSince.map((l) => `line ${l.lineNo}: ${l.quantity} shipped since`).join(', ');
    em.create(CancellationUndoStep, {
      id: randomUUID(),
      undoId,
      step: 'REQUESTED',
      key: '',
      detail: `${input.reason} (reopens ${described}${shipped ? `; ${shipped}` : ''})`,
      actor: input.staffId,
      at: now,
    });
    recordOrderEvent(
      em,
      order.id,
      'UNDO_REQUESTED',
      { undoId, cancellationId, reason: input.reason, lines: plan.lines, amount, ...(shipped ? { shippedSince: plan.shippedSince } : {}) },
      input.staffId,
    );
    await em.flush();

    await startWorkflow(deps, undoId, workflowId);
    return { created: true, undoId, cancellationId, workflowId, status: 'IN_PROGRESS' as const };
  });
}

async function liveUndoOf(em: EntityManager, cancellationId: string): Promise<CancellationUndo | null> {
  return em.findOne(CancellationUndo, { cancellationId, status: { $ne: 'FAILED' } }, { refresh: true });
}

async function startWorkflow(deps: ServiceDeps, undoId: string, workflowId: string): Promise<void> {
  const args: [UndoCancellationWorkflowInput] = [
    { ...deps.undoProcess, ...(deps.cancellationProcess ? { cancellationProcess: deps.cancellationProcess } : {}), undoId },
  ];
  const started = await startProcess(deps, {
    type: UNDO_CANCELLATION_WORKFLOW_TYPE,
    workflowId,
    args,
    unreachable: 'the undo process could not be started (Temporal is unreachable): nothing was changed, try again shortly',
  });
  // The id is the cancellation's, so the process running under it is an earlier attempt.
  if (started === 'ALREADY_RUNNING') {
    throw new ConflictError('the previous undo of this cancellation is still finishing (it failed): try again in a few seconds');
  }
}
