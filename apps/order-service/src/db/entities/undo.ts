import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { UNDO_STATUSES, UNDO_STEPS } from '@cancelflow/domain/undo-cancellation';

export interface UndoLine {
  lineId: string;
  quantity: number;
}

/** Undoing a cancellation: what reopens, what it is worth, and how far the undo process got. */
export const CancellationUndo = defineEntity({
  name: 'CancellationUndo',
  tableName: 'cancellation_undo',
  properties: {
    id: p.uuid().primary(),
    cancellationId: p.uuid(),
    orderId: p.uuid(),
    attempt: p.integer(),
    status: p.enum(UNDO_STATUSES),
    reason: p.text(),
    staffId: p.string(),
    workflowId: p.string(),
    /** The quantities that reopen (cancelled units that shipped since are left out). */
    lines: p.json<UndoLine[]>(),
    /** What the reopened quantities are worth, in minor units: the money to collect back. */
    amount: p.bigint('number'),
    /** The undo reopens everything the cancellation took. */
    whole: p.boolean(),
    failureReason: p.text().nullable(),
    createdAt: p.datetime(),
    completedAt: p.datetime().nullable(),
  },
});
export type CancellationUndo = InferEntity<typeof CancellationUndo>;

export const CancellationUndoStep = defineEntity({
  name: 'CancellationUndoStep',
  tableName: 'cancellation_undo_step',
  properties: {
    id: p.uuid().primary(),
    undoId: p.uuid(),
    step: p.enum(UNDO_STEPS),
    key: p.string(),
    detail: p.text().nullable(),
    actor: p.string(),
    at: p.datetime(),
  },
});
export type CancellationUndoStep = InferEntity<typeof CancellationUndoStep>;

export const undoEntities = [CancellationUndo, CancellationUndoStep];
