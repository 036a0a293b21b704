import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { ApplicationFailure } from '@temporalio/common';
import { assertTransition, describeChannelNotice, DomainError, policyFor, type RefundStatus } from '@cancelflow/domain';
import { recordNotFoundYet, type Database } from '@cancelflow/service-kit';
import type { ChannelAdapter } from '../adapters/channel.ts';
import type { InventoryAdapter } from '../adapters/inventory.ts';
import { Cancellation, CancellationLine, Dispute, Order, type OrderLine } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';
import { recordStepOnce, type StepToRecord } from '../db/cancellation-steps.ts';
import { cancellationContext, cancelledLines, type CancelledLine } from '../cancellations/context.ts';
import type {
  CancellationContext,
  ChannelNotification,
  OrderActivities,
  RefundProgress,
} from '@cancelflow/workflows/contracts/cancellation';
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
  lines: CancelledLine[];
}

/** What the workflows may ask the order service to do; each is idempotent on the cancellation id. */
export function createCancellationActivities(deps: OrderActivityDeps): OrderActivities {
  /** The cancellation alone: what an activity that only records needs (its id and order). */
  const loadCancellationRow = async (em: EntityManager, cancellationId: string): Promise<Cancellation> => {
    if (!isUuid(cancellationId)) {
      throw ApplicationFailure.nonRetryable(`${cancellationId} is not a cancellation id`, ACTIVITY_FAILURES.cancellationNotFound);
    }
    const cancellation = await em.findOne(Cancellation, { id: cancellationId });
    // The workflow starts a moment before the request that created it commits (or rolls back).
    if (!cancellation) throw recordNotFoundYet(`cancellation ${cancellationId} does not exist`, ACTIVITY_FAILURES.cancellationNotFound);
    return cancellation;
  };
  /** The cancellation with its order and cancelled lines: what an activity that does the work needs. */
  const load = async (em: EntityManager, cancellationId: string): Promise<Loaded> => {
    const cancellation = await loadCancellationRow(em, cancellationId);
    const order = (await em.findOne(Order, { id: cancellation.orderId }))!;
    const taken = await em.find(CancellationLine, { cancellationId });
    const lines = cancelledLines(await linesOf(em, order.id), taken);
    return { cancellation, order, lines };
  };

  const fresh = (): EntityManager => deps.db.em.fork();

  /**
   * Records steps of work done outside the database (the inventory, the channel, the payment
   * service), once each, with the refund status they bring. The order first, as every writer of an
   * order and its cancellations locks (an undo locks the order, then the cancellation): the step's
   * foreign key would otherwise take the two rows in the other order and deadlock with it.
   */
  const recordSteps = (cancellation: Cancellation, steps: Omit<StepToRecord, 'cancellationId'>[], refund?: RefundState) =>
    fresh().transactional(async (em) => {
      await lockOrderOrFail(em, cancellation.orderId);
      for (const step of steps) await recordStepOnce(em, { ...step, cancellationId: cancellation.id });
      if (refund) await em.nativeUpdate(Cancellation, { id: cancellation.id }, refund);
    });

  return {
    async loadCancellation(cancellationId: string): Promise<CancellationContext> {
      const { cancellation, order, lines } = await load(fresh(), cancellationId);
      return cancellationContext(cancellation, order, lines);
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
      await recordSteps(cancellation, [{ step: 'RESTOCKED' }]);
    },

    async notifyChannelOfCancellation(cancellationId: string): Promise<ChannelNotification> {
      const { cancellation, order, lines } = await load(fresh(), cancellationId);
      const notice = await notifyChannel(cancellation, order, lines);
      await recordSteps(cancellation, [{ step: 'CHANNEL_NOTIFIED', detail: describeChannelNotice(notice) }]);
      return notice;
    },

    async recordRefund({ cancellationId, refund }): Promise<void> {
      const cancellation = await loadCancellationRow(fresh(), cancellationId);
      await recordSteps(cancellation, refundSteps(refund), refundState(refund));
    },

    async recordCustomerNotified(cancellationId: string): Promise<void> {
      const cancellation = await loadCancellationRow(fresh(), cancellationId);
      await recordSteps(cancellation, [{ step: 'CUSTOMER_NOTIFIED' }]);
    },

    async recordCancellationStep(input): Promise<void> {
      const cancellation = await loadCancellationRow(fresh(), input.cancellationId);
      const refund =
        input.step === 'REFUND_REQUESTED'
          ? refundState({ status: 'PENDING' })
          : input.step === 'REFUND_SUCCEEDED'
            ? refundState({ status: 'SUCCEEDED' })
            : input.step === 'REFUND_FAILED'
              ? refundState({ status: 'FAILED', failureReason: input.detail ?? 'the refund failed' })
              : undefined;
      await fresh().transactional(async (em) => {
        await lockOrderOrFail(em, cancellation.orderId);
        const inserted = await recordStepOnce(em, { ...input, cancellationId: cancellation.id });
        if (inserted && refund) await em.nativeUpdate(Cancellation, { id: cancellation.id }, refund);
      });
    },

    async completeCancellation(cancellationId: string, outcome = {}): Promise<void> {
      const cancellation = await loadCancellationRow(fresh(), cancellationId);
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
        // Why it completes, then that it did: written with the status, so nobody ever sees
        // CANCELLED without them.
        const steps: Omit<StepToRecord, 'cancellationId'>[] = outcome.refund
          ? refundSteps(outcome.refund)
          : outcome.refundNotNeeded !== undefined
            ? [{ step: 'REFUND_NOT_NEEDED', detail: outcome.refundNotNeeded }]
            : [];
        for (const step of [...steps, { step: 'CANCELLED' as const }]) await recordStepOnce(em, { ...step, cancellationId });
        c.status = 'CANCELLED';
        c.completedAt = new Date();
        if (outcome.refund) Object.assign(c, refundState(outcome.refund));
        recordOrderEvent(em, order.id, 'CANCELLATION_COMPLETED', { cancellationId, amount: c.amount }, 'workflow');
        await recomputeOrderStatus(em, order, await linesOf(em, order.id));
      });
    },
  };

  async function notifyChannel(cancellation: Cancellation, order: Order, lines: Loaded['lines']): Promise<ChannelNotification> {
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
  }
}

type RefundState = { refundStatus: RefundStatus; refundFailureReason: string | null };

const refundState = (refund: Pick<RefundProgress, 'status' | 'failureReason'>): RefundState => ({
  refundStatus: refund.status,
  refundFailureReason: refund.status === 'FAILED' ? (refund.failureReason ?? 'the refund failed') : null,
});

/** A refund attempt's steps as far as it went: requested, then succeeded or failed. */
function refundSteps(refund: RefundProgress): Omit<StepToRecord, 'cancellationId'>[] {
  const key = String(refund.attempt);
  const requested = {
    step: 'REFUND_REQUESTED' as const,
    key,
    detail: refund.requested,
    ...(refund.requestedBy ? { actor: refund.requestedBy } : {}),
  };
  if (refund.status === 'SUCCEEDED')
    return [requested, { step: 'REFUND_SUCCEEDED', key, ...(refund.settled ? { detail: refund.settled } : {}) }];
  if (refund.status === 'FAILED') return [requested, { step: 'REFUND_FAILED', key, detail: refund.failureReason ?? 'the refund failed' }];
  return [requested];
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
    await recordStepOnce(em, { cancellationId: cancellation.id, step: 'DISPUTE_OPENED', detail: `dispute ${dispute.id}` });
    // An eBay order stays open while its dispute is open.
    await recomputeOrderStatus(em, locked, await linesOf(em, order.id));
    return dispute.id;
  });
}
