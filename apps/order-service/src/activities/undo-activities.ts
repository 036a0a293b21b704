/**
 * The order service's side of undoing a cancellation (task queue "orders"), idempotent on the
 * undo id: stopping the cancellation's own process, the timeline, and — only once the money is
 * safe — reopening the quantities, reversing the restock and telling the channel.
 */
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { assertTransition, DomainError } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import { abortForUndoUpdate } from '@cancelflow/workflows/contracts/cancellation';
import type { ChannelReopenAdapter } from '../adapters/channel-reopen.ts';
import type { InventoryAdapter } from '../adapters/inventory.ts';
import { Cancellation, CancellationStepRecord, Order, OrderLine } from '../db/entities/index.ts';
import { CancellationUndo } from '../db/entities/undo.ts';
import { linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';
import type { StopCancellationOutcome, UndoContext, UndoOrderActivities } from '@cancelflow/workflows/contracts/undo-cancellation';
import { isUuid } from '@cancelflow/domain';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

export interface UndoActivityDeps {
  db: Database;
  temporal: Client;
  inventory: InventoryAdapter;
  channel: ChannelReopenAdapter;
}

export function createUndoOrderActivities(deps: UndoActivityDeps): UndoOrderActivities {
  const fresh = (): EntityManager => deps.db.em.fork();

  const loadRow = async (em: EntityManager, undoId: string): Promise<CancellationUndo> => {
    if (!isUuid(undoId)) throw ApplicationFailure.nonRetryable(`${undoId} is not an undo id`, ACTIVITY_FAILURES.undoNotFound);
    const undo = await em.findOne(CancellationUndo, { id: undoId }, { refresh: true });
    // The workflow starts a moment before the request that created it commits: try again.
    if (!undo) throw ApplicationFailure.retryable(`undo ${undoId} does not exist (yet)`, ACTIVITY_FAILURES.undoNotFound);
    return undo;
  };

  return {
    async loadUndo(undoId): Promise<UndoContext> {
      const em = fresh();
      const undo = await loadRow(em, undoId);
      const cancellation = (await em.findOne(Cancellation, { id: undo.cancellationId }))!;
      const order = (await em.findOne(Order, { id: undo.orderId }))!;
      const lines = await em.find(OrderLine, { id: { $in: undo.lines.map((l) => l.lineId) } }, { orderBy: { lineNo: 'asc' } });
      return {
        undoId: undo.id,
        attempt: undo.attempt,
        cancellationId: cancellation.id,
        cancellationWorkflowId: cancellation.workflowId,
        cancellationStatus: cancellation.status,
        undoStatus: undo.status,
        orderId: order.id,
        channelOrderNo: order.channelOrderNo,
        currency: cancellation.currency,
        reason: undo.reason,
        staffId: undo.staffId,
        customer: { email: order.customerEmail, name: order.customerName },
        lines: lines.map((line) => ({
          lineId: line.id,
          lineNo: line.lineNo,
          sku: line.sku,
          quantity: undo.lines.find((l) => l.lineId === line.id)!.quantity,
          unitPrice: line.unitPrice,
        })),
        amount: undo.amount,
        whole: undo.whole,
      };
    },

    async recordUndoStep(input): Promise<void> {
      const undo = await loadRow(fresh(), input.undoId);
      await fresh().transactional(async (em) => {
        const inserted = await em.execute<{ id: string }[]>(
          `insert into "orders"."cancellation_undo_step" ("id", "undo_id", "step", "key", "detail", "actor")
           values (?, ?, ?, ?, ?, ?) on conflict ("undo_id", "step", "key") do nothing returning "id"`,
          [randomUUID(), undo.id, input.step, input.key ?? '', input.detail ?? null, input.actor ?? 'workflow'],
        );
        if (inserted.length === 0) return; // recorded before: a retried activity
        recordOrderEvent(
          em,
          undo.orderId,
          `UNDO_${input.step}`,
          {
            undoId: undo.id,
            cancellationId: undo.cancellationId,
            ...(input.detail ? { detail: input.detail } : {}),
            ...(input.key ? { key: input.key } : {}),
          },
          input.actor ?? 'workflow',
        );
      });
    },

    async stopCancellationProcess({ undoId, cancellationId }): Promise<StopCancellationOutcome> {
      const cancellation = await fresh().findOne(Cancellation, { id: cancellationId });
      if (!cancellation) throw ApplicationFailure.nonRetryable(`no cancellation ${cancellationId}`, ACTIVITY_FAILURES.cancellationNotFound);
      const handle = deps.temporal.workflow.getHandle(cancellation.workflowId);
      try {
        // The same update id on a retry attaches to the first request: it is asked once.
        const stopped = await handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId }], updateId: `abort-for-undo:${undoId}` });
        return { outcome: 'STOPPED', phase: stopped.stoppedAt };
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) return { outcome: 'COMPLETING', phase: error.cause?.message };
        // The process is closed (or unreachable: then describe throws and the activity retries).
        const description = await handle.describe();
        if (description.status.name === 'RUNNING') throw error;
        const result: unknown = await handle.result().catch(() => undefined);
        const stoppedFor = (result as { status?: string; undoId?: string } | undefined) ?? {};
        return stoppedFor.status === 'STOPPED_FOR_UNDO' && stoppedFor.undoId === undoId
          ? { outcome: 'STOPPED' }
          : { outcome: 'NOT_RUNNING' };
      }
    },

    async awaitCancellationCompleted(cancellationId): Promise<void> {
      const cancellation = await fresh().findOne(Cancellation, { id: cancellationId }, { refresh: true });
      if (cancellation?.status === 'IN_PROGRESS') {
        throw ApplicationFailure.retryable(`cancellation ${cancellationId} is still completing`, ACTIVITY_FAILURES.cancellationCompleting);
      }
    },

    async reopenCancellation(undoId) {
      const undo = await loadRow(fresh(), undoId);
      return fresh().transactional(async (em) => {
        const order = await lockOrderOrFail(em, undo.orderId);
        const row = (await em.findOne(CancellationUndo, { id: undoId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }))!;
        if (row.status === 'UNDONE') return { lines: row.lines };
        const cancellation = (await em.findOne(
          Cancellation,
          { id: row.cancellationId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        ))!;
        try {
          assertTransition(cancellation.status, 'UNDONE');
        } catch (error) {
          if (error instanceof DomainError) throw ApplicationFailure.nonRetryable(error.message, ACTIVITY_FAILURES.invalidTransition);
          throw error;
        }
        const lines = await linesOf(em, order.id);
        // Only what is still cancelled reopens: units that shipped meanwhile stay shipped.
        const reopened = row.lines.flatMap((l) => {
          const line = lines.find((o) => o.id === l.lineId)!;
          const quantity = Math.min(l.quantity, line.cancelledQuantity);
          line.cancelledQuantity -= quantity;
          return quantity > 0 ? [{ lineId: l.lineId, quantity }] : [];
        });
        cancellation.status = 'UNDONE';
        cancellation.completedAt = cancellation.completedAt ?? new Date();
        row.status = 'UNDONE';
        row.completedAt = new Date();
        recordOrderEvent(em, order.id, 'CANCELLATION_UNDONE', { undoId, cancellationId: cancellation.id, lines: reopened }, 'workflow');
        await recomputeOrderStatus(em, order, lines);
        return { lines: reopened };
      });
    },

    async reverseRestock(undoId) {
      const em = fresh();
      const undo = await loadRow(em, undoId);
      const restocked = await em.count(CancellationStepRecord, { cancellationId: undo.cancellationId, step: 'RESTOCKED' });
      if (restocked === 0) return { reversed: false };
      const lines = await em.find(OrderLine, { id: { $in: undo.lines.map((l) => l.lineId) } });
      for (const l of undo.lines) {
        const line = lines.find((o) => o.id === l.lineId)!;
        await deps.inventory.restock({
          idempotencyKey: `unrestock:${undo.id}:${line.id}`,
          orderId: undo.orderId,
          sku: line.sku,
          quantity: -l.quantity,
          reason: 'CANCELLATION_UNDONE',
          reference: undo.id,
        });
      }
      return { reversed: true };
    },

    async notifyChannelOfUndo(undoId) {
      const em = fresh();
      const undo = await loadRow(em, undoId);
      const order = (await em.findOne(Order, { id: undo.orderId }))!;
      if (order.thirdPartyManaged) return { skipped: 'THIRD_PARTY_MANAGED' as const };
      if (order.channel === 'webshop') return { skipped: 'OWN_SHOP' as const };
      const lines = await em.find(OrderLine, { id: { $in: undo.lines.map((l) => l.lineId) } });
      await deps.channel.reopenLines({
        idempotencyKey: `undo:${undo.id}`,
        orderId: order.id,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        cancellationId: undo.cancellationId,
        undoId: undo.id,
        lines: undo.lines.map((l) => {
          const line = lines.find((o) => o.id === l.lineId)!;
          return { lineNo: line.lineNo, sku: line.sku, quantity: l.quantity };
        }),
      });
      return {};
    },

    async failUndo({ undoId, reason }): Promise<void> {
      const undo = await loadRow(fresh(), undoId);
      await fresh().transactional(async (em) => {
        const updated = await em.nativeUpdate(
          CancellationUndo,
          { id: undo.id, status: 'IN_PROGRESS' },
          { status: 'FAILED', failureReason: reason, completedAt: new Date() },
        );
        if (updated === 1)
          recordOrderEvent(em, undo.orderId, 'UNDO_FAILED', { undoId, cancellationId: undo.cancellationId, reason }, 'workflow');
      });
    },
  };
}
