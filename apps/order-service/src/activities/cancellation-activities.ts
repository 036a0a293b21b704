import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { assertTransition, DomainError, policyFor, type CancellationStep } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import type { ChannelAdapter } from '../adapters/channel.ts';
import type { InventoryAdapter } from '../adapters/inventory.ts';
import { Cancellation, CancellationLine, Dispute, Order, type OrderLine } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';
import type { CancellationContext, ChannelNotification, OrderActivities } from '@cancelflow/workflows/contracts/cancellation';
import { isUuid } from '@cancelflow/domain';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

export interface OrderActivityDeps {
  db: Database;
  channel: ChannelAdapter;
  inventory: InventoryAdapter;
}

interface Loaded {
  cancellation: Cancellation;
  order: Order;
  /** The cancelled lines with the order line each one takes from. */
  lines: { line: OrderLine; quantity: number }[];
}

/** What the workflows may ask the order service to do; each is idempotent on the cancellation id. */
export function createCancellationActivities(deps: OrderActivityDeps): OrderActivities {
  const load = async (em: EntityManager, cancellationId: string): Promise<Loaded> => {
    if (!isUuid(cancellationId)) {
      throw ApplicationFailure.nonRetryable(`${cancellationId} is not a cancellation id`, ACTIVITY_FAILURES.cancellationNotFound);
    }
    const cancellation = await em.findOne(Cancellation, { id: cancellationId });
    if (!cancellation) {
      // The workflow starts a moment before the request that created it commits: try again;
      // the workflow's retry policy decides when to give up.
      throw ApplicationFailure.retryable(`cancellation ${cancellationId} does not exist (yet)`, ACTIVITY_FAILURES.cancellationNotFound);
    }
    const order = (await em.findOne(Order, { id: cancellation.orderId }))!;
    const cancelled = await em.find(CancellationLine, { cancellationId });
    const orderLines = await linesOf(em, order.id);
    const lines = orderLines.flatMap((line) => {
      const c = cancelled.find((l) => l.orderLineId === line.id);
      return c ? [{ line, quantity: c.quantity }] : [];
    });
    return { cancellation, order, lines };
  };

  const fresh = (): EntityManager => deps.db.em.fork();

  return {
    async loadCancellation(cancellationId: string): Promise<CancellationContext> {
      const { cancellation: c, order, lines } = await load(fresh(), cancellationId);
      return {
        cancellationId: c.id,
        orderId: order.id,
        merchantId: order.merchantId,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        thirdPartyManaged: order.thirdPartyManaged,
        currency: c.currency,
        amount: c.amount,
        refundMethod: c.refundMethod,
        restock: c.restock,
        reason: c.reason,
        customer: { email: order.customerEmail, name: order.customerName },
        lines: lines.map(({ line, quantity }) => ({
          lineId: line.id,
          lineNo: line.lineNo,
          sku: line.sku,
          quantity,
          unitPrice: line.unitPrice,
        })),
        payments: order.payments.map((p) => ({ method: p.method, amount: p.amount, reference: p.reference })),
      };
    },

    async restockCancellation(cancellationId: string): Promise<void> {
      const { cancellation, order, lines } = await load(fresh(), cancellationId);
      if (!cancellation.restock) return;
      for (const { line, quantity } of lines) {
        await deps.inventory.restock({
          idempotencyKey: `restock:${cancellation.id}:${line.id}`,
          orderId: order.id,
          sku: line.sku,
          quantity,
          reason: 'CANCELLATION',
          reference: cancellation.id,
        });
      }
    },

    async notifyChannelOfCancellation(cancellationId: string): Promise<ChannelNotification> {
      const { cancellation, order, lines } = await load(fresh(), cancellationId);
      if (order.thirdPartyManaged) return { skipped: 'THIRD_PARTY_MANAGED' };
      if (order.channel === 'webshop') return { skipped: 'OWN_SHOP' };
      const policy = policyFor(order.channel);
      const paid = order.payments.reduce((n, p) => n + p.amount, 0);
      const unshipped = lines.every(({ line }) => line.shippedQuantity === 0);
      if (policy.paidUnshippedCancelOpensDispute && paid > 0 && unshipped) {
        const disputeId = await openDispute(fresh(), cancellation, order);
        await deps.channel.openDispute({
          idempotencyKey: `dispute:${cancellation.id}`,
          disputeId,
          orderId: order.id,
          channel: order.channel,
          channelOrderNo: order.channelOrderNo,
          cancellationId: cancellation.id,
          amount: cancellation.amount,
          currency: cancellation.currency,
        });
        return { disputeId };
      }
      await deps.channel.notifyCancellation({
        idempotencyKey: `cancel:${cancellation.id}`,
        orderId: order.id,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        cancellationId: cancellation.id,
        reason: cancellation.reason,
        lines: lines.map(({ line, quantity }) => ({ lineNo: line.lineNo, sku: line.sku, quantity })),
        marketplaceRestock: policy.marketplaceRestock,
      });
      return {};
    },

    async recordCancellationStep(input): Promise<void> {
      const { cancellation } = await load(fresh(), input.cancellationId);
      await fresh().transactional(async (em) => {
        // The order first, as every writer of an order and its cancellations locks (an undo locks
        // the order, then the cancellation): the step's and the event's foreign keys would
        // otherwise take the two rows in the other order and deadlock with it.
        await lockOrderOrFail(em, cancellation.orderId);
        const inserted = await insertStepOnce(em, { ...input, cancellationId: cancellation.id });
        if (!inserted) return; // recorded before: a retried activity
        recordOrderEvent(
          em,
          cancellation.orderId,
          `CANCELLATION_${input.step}`,
          { cancellationId: cancellation.id, ...(input.detail ? { detail: input.detail } : {}), ...(input.key ? { key: input.key } : {}) },
          input.actor ?? 'workflow',
        );
        const refund =
          input.step === 'REFUND_REQUESTED'
            ? { refundStatus: 'PENDING' as const, refundFailureReason: null }
            : input.step === 'REFUND_SUCCEEDED'
              ? { refundStatus: 'SUCCEEDED' as const, refundFailureReason: null }
              : input.step === 'REFUND_FAILED'
                ? { refundStatus: 'FAILED' as const, refundFailureReason: input.detail ?? 'the refund failed' }
                : undefined;
        if (refund) await em.nativeUpdate(Cancellation, { id: cancellation.id }, refund);
      });
    },

    async completeCancellation(cancellationId: string): Promise<void> {
      const { cancellation } = await load(fresh(), cancellationId);
      await fresh().transactional(async (em) => {
        const order = await lockOrderOrFail(em, cancellation.orderId);
        const c = (await em.findOne(Cancellation, { id: cancellationId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }))!;
        if (c.status === 'CANCELLED') return;
        try {
          assertTransition(c.status, 'CANCELLED');
        } catch (error) {
          if (error instanceof DomainError) throw ApplicationFailure.nonRetryable(error.message, ACTIVITY_FAILURES.invalidTransition);
          throw error;
        }
        c.status = 'CANCELLED';
        c.completedAt = new Date();
        // The step is written with the status, so nobody ever sees CANCELLED without it.
        await insertStepOnce(em, { cancellationId, step: 'CANCELLED' });
        recordOrderEvent(em, order.id, 'CANCELLATION_COMPLETED', { cancellationId, amount: c.amount }, 'workflow');
        await recomputeOrderStatus(em, order, await linesOf(em, order.id));
      });
    },
  };
}

/** Inserts a step unless the same step and key is there already; true when it was inserted. */
async function insertStepOnce(
  em: EntityManager,
  step: { cancellationId: string; step: CancellationStep; key?: string; detail?: string; actor?: string },
): Promise<boolean> {
  const inserted = await em.execute<{ id: string }[]>(
    `insert into "orders"."cancellation_step" ("id", "cancellation_id", "step", "key", "detail", "actor")
     values (?, ?, ?, ?, ?, ?) on conflict ("cancellation_id", "step", "key") do nothing returning "id"`,
    [randomUUID(), step.cancellationId, step.step, step.key ?? '', step.detail ?? null, step.actor ?? 'workflow'],
  );
  return inserted.length > 0;
}

/** One dispute per cancellation: a retry finds the one opened before. */
async function openDispute(root: EntityManager, cancellation: Cancellation, order: Order): Promise<string> {
  return root.transactional(async (em) => {
    const locked = await lockOrderOrFail(em, order.id);
    const existing = await em.findOne(Dispute, { cancellationId: cancellation.id });
    if (existing) return existing.id;
    const dispute = em.create(Dispute, {
      id: randomUUID(),
      orderId: order.id,
      cancellationId: cancellation.id,
      status: 'OPEN',
      resolution: null,
      note: null,
      openedAt: new Date(),
      closedAt: null,
    });
    await em.flush();
    recordOrderEvent(em, order.id, 'DISPUTE_OPENED', { disputeId: dispute.id, cancellationId: cancellation.id }, 'system');
    // An eBay order stays open while its dispute is open.
    await recomputeOrderStatus(em, locked, await linesOf(em, order.id));
    return dispute.id;
  });
}
