import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { LockMode } from '@mikro-orm/core';
import { assertReturnable, DomainError, STATUS_AFTER_STEP } from '@cancelflow/domain';
import type { Database } from '@cancelflow/service-kit';
import { CancelledButShipped, CancelledButShippedLine, Order, OrderLine, Return, ReturnLine, Shipment } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recordOrderEvent } from '../db/order-store.ts';
import type { CancelledButShippedContext, CancelledButShippedOrderActivities } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import { isUuid } from '@cancelflow/domain';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

/** The order service's side of the cancelled-but-shipped process; idempotent on cancelled-but-shipped process, step and key. */
export function createCancelledButShippedActivities(deps: { db: Database }): CancelledButShippedOrderActivities {
  const fresh = (): EntityManager => deps.db.em.fork();

  const find = async (em: EntityManager, cancelledButShippedId: string): Promise<CancelledButShipped> => {
    if (!isUuid(cancelledButShippedId))
      throw ApplicationFailure.nonRetryable(
        `${cancelledButShippedId} is not a cancelled-but-shipped process id`,
        ACTIVITY_FAILURES.cancelledButShippedNotFound,
      );
    const cancelledButShipped = await em.findOne(CancelledButShipped, { id: cancelledButShippedId });
    // The workflow starts a moment before the shipment's transaction commits: try again.
    if (!cancelledButShipped)
      throw ApplicationFailure.retryable(
        `cancelled-but-shipped process ${cancelledButShippedId} does not exist (yet)`,
        ACTIVITY_FAILURES.cancelledButShippedNotFound,
      );
    return cancelledButShipped;
  };

  return {
    async loadCancelledButShipped(cancelledButShippedId: string): Promise<CancelledButShippedContext> {
      const em = fresh();
      const cancelledButShipped = await find(em, cancelledButShippedId);
      const [order, shipment, cancelledButShippedLines] = await Promise.all([
        em.findOneOrFail(Order, { id: cancelledButShipped.orderId }),
        em.findOneOrFail(Shipment, { id: cancelledButShipped.shipmentId }),
        em.find(CancelledButShippedLine, { cancelledButShippedId }),
      ]);
      const orderLines = await em.find(
        OrderLine,
        { id: { $in: cancelledButShippedLines.map((l) => l.orderLineId) } },
        { orderBy: { lineNo: 'asc' } },
      );
      return {
        cancelledButShippedId,
        shipmentId: shipment.id,
        orderId: order.id,
        merchantId: order.merchantId,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        currency: cancelledButShipped.currency,
        amount: cancelledButShipped.amount,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        shippedAt: shipment.shippedAt.toISOString(),
        customer: { email: order.customerEmail, name: order.customerName },
        lines: orderLines.map((line) => {
          const c = cancelledButShippedLines.find((l) => l.orderLineId === line.id)!;
          return { lineId: line.id, lineNo: line.lineNo, sku: line.sku, quantity: c.quantity, unitPrice: c.unitPrice };
        }),
        cancellationIds: cancelledButShipped.cancellationIds,
      };
    },

    async recordCancelledButShippedStep(input): Promise<void> {
      const cancelledButShipped = await find(fresh(), input.cancelledButShippedId);
      await fresh().transactional(async (em) => {
        const inserted = await em.execute<{ id: string }[]>(
          `insert into "orders"."cancelled_but_shipped_step" ("id", "cancelled_but_shipped_id", "step", "key", "detail", "actor")
           values (?, ?, ?, ?, ?, ?) on conflict ("cancelled_but_shipped_id", "step", "key") do nothing returning "id"`,
          [randomUUID(), cancelledButShipped.id, input.step, input.key ?? '', input.detail ?? null, input.actor ?? 'workflow'],
        );
        if (inserted.length === 0) return; // recorded before: a retried activity
        recordOrderEvent(
          em,
          cancelledButShipped.orderId,
          `CANCELLED_BUT_SHIPPED_${input.step}`,
          {
            cancelledButShippedId: cancelledButShipped.id,
            ...(input.detail ? { detail: input.detail } : {}),
            ...(input.key ? { key: input.key } : {}),
          },
          input.actor ?? 'workflow',
        );
        const status = STATUS_AFTER_STEP[input.step];
        await em.nativeUpdate(
          CancelledButShipped,
          { id: cancelledButShipped.id },
          {
            updatedAt: new Date(),
            ...(status ? { status } : {}),
            ...(input.acknowledgement ? { acknowledgement: input.acknowledgement } : {}),
            ...(input.acknowledgementId ? { acknowledgementId: input.acknowledgementId } : {}),
            ...(input.step === 'REBILL_APPROVED' && input.actor ? { rebillApprovedBy: input.actor } : {}),
          },
        );
      });
    },

    async openReturnForCancelledButShipped({ cancelledButShippedId, why }): Promise<{ returnId: string | null }> {
      const found = await find(fresh(), cancelledButShippedId);
      return fresh().transactional(async (em) => {
        // Order first, then cancelled-but-shipped process: the lock order every writer of an order follows.
        await lockOrderOrFail(em, found.orderId);
        const cancelledButShipped = (await em.findOne(
          CancelledButShipped,
          { id: cancelledButShippedId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        ))!;
        if (cancelledButShipped.returnId) return { returnId: cancelledButShipped.returnId };
        const cancelledButShippedLines = await em.find(CancelledButShippedLine, { cancelledButShippedId });
        const lines = await linesOf(em, cancelledButShipped.orderId);
        const requested = cancelledButShippedLines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity }));
        try {
          assertReturnable(lines, requested);
        } catch (error) {
          if (error instanceof DomainError) return { returnId: null }; // returned by other means meanwhile
          throw error;
        }
        const returnId = randomUUID();
        em.create(Return, {
          id: returnId,
          orderId: cancelledButShipped.orderId,
          merchantId: cancelledButShipped.merchantId,
          reason: 'OTHER',
          comment: `shipped after cancellation, not kept: ${why} (cancelled-but-shipped process ${cancelledButShippedId})`,
          status: 'OPEN',
          cancellationRequestId: null,
          createdAt: new Date(),
        });
        await em.flush();
        for (const r of requested) {
          lines.find((l) => l.id === r.lineId)!.returnedQuantity += r.quantity;
          em.create(ReturnLine, { returnId, orderLineId: r.lineId, quantity: r.quantity });
        }
        cancelledButShipped.returnId = returnId;
        cancelledButShipped.updatedAt = new Date();
        recordOrderEvent(
          em,
          cancelledButShipped.orderId,
          'RETURN_OPENED',
          { returnId, reason: 'OTHER', lines: requested, cancelledButShippedId },
          'workflow',
        );
        await em.flush();
        return { returnId };
      });
    },
  };
}
