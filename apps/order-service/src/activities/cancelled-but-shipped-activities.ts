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

/** The order service's side of the cancelled-but-shipped chain; idempotent on chain, step and key. */
export function createCancelledButShippedActivities(deps: { db: Database }): CancelledButShippedOrderActivities {
  const fresh = (): EntityManager => deps.db.em.fork();

  const find = async (em: EntityManager, chainId: string): Promise<CancelledButShipped> => {
    if (!isUuid(chainId))
      throw ApplicationFailure.nonRetryable(`${chainId} is not a chain id`, ACTIVITY_FAILURES.cancelledButShippedNotFound);
    const chain = await em.findOne(CancelledButShipped, { id: chainId });
    // The workflow starts a moment before the shipment's transaction commits: try again.
    if (!chain)
      throw ApplicationFailure.retryable(
        `cancelled-but-shipped chain ${chainId} does not exist (yet)`,
        ACTIVITY_FAILURES.cancelledButShippedNotFound,
      );
    return chain;
  };

  return {
    async loadCancelledButShipped(chainId: string): Promise<CancelledButShippedContext> {
      const em = fresh();
      const chain = await find(em, chainId);
      const [order, shipment, chainLines] = await Promise.all([
        em.findOneOrFail(Order, { id: chain.orderId }),
        em.findOneOrFail(Shipment, { id: chain.shipmentId }),
        em.find(CancelledButShippedLine, { chainId }),
      ]);
      const orderLines = await em.find(OrderLine, { id: { $in: chainLines.map((l) => l.orderLineId) } }, { orderBy: { lineNo: 'asc' } });
      return {
        chainId,
        shipmentId: shipment.id,
        orderId: order.id,
        merchantId: order.merchantId,
        channel: order.channel,
        channelOrderNo: order.channelOrderNo,
        currency: chain.currency,
        amount: chain.amount,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        shippedAt: shipment.shippedAt.toISOString(),
        customer: { email: order.customerEmail, name: order.customerName },
        lines: orderLines.map((line) => {
          const c = chainLines.find((l) => l.orderLineId === line.id)!;
          return { lineId: line.id, lineNo: line.lineNo, sku: line.sku, quantity: c.quantity, unitPrice: c.unitPrice };
        }),
        cancellationIds: chain.cancellationIds,
      };
    },

    async recordCancelledButShippedStep(input): Promise<void> {
      const chain = await find(fresh(), input.chainId);
      await fresh().transactional(async (em) => {
        const inserted = await em.execute<{ id: string }[]>(
          `insert into "orders"."cancelled_but_shipped_step" ("id", "chain_id", "step", "key", "detail", "actor")
           values (?, ?, ?, ?, ?, ?) on conflict ("chain_id", "step", "key") do nothing returning "id"`,
          [randomUUID(), chain.id, input.step, input.key ?? '', input.detail ?? null, input.actor ?? 'workflow'],
        );
        if (inserted.length === 0) return; // recorded before: a retried activity
        recordOrderEvent(
          em,
          chain.orderId,
          `CANCELLED_BUT_SHIPPED_${input.step}`,
          { chainId: chain.id, ...(input.detail ? { detail: input.detail } : {}), ...(input.key ? { key: input.key } : {}) },
          input.actor ?? 'workflow',
        );
        const status = STATUS_AFTER_STEP[input.step];
        await em.nativeUpdate(
          CancelledButShipped,
          { id: chain.id },
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

    async openReturnForCancelledButShipped({ chainId, why }): Promise<{ returnId: string | null }> {
      const found = await find(fresh(), chainId);
      return fresh().transactional(async (em) => {
        // Order first, then chain: the lock order every writer of an order follows.
        await lockOrderOrFail(em, found.orderId);
        const chain = (await em.findOne(CancelledButShipped, { id: chainId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }))!;
        if (chain.returnId) return { returnId: chain.returnId };
        const chainLines = await em.find(CancelledButShippedLine, { chainId });
        const lines = await linesOf(em, chain.orderId);
        const requested = chainLines.map((l) => ({ lineId: l.orderLineId, quantity: l.quantity }));
        try {
          assertReturnable(lines, requested);
        } catch (error) {
          if (error instanceof DomainError) return { returnId: null }; // returned by other means meanwhile
          throw error;
        }
        const returnId = randomUUID();
        em.create(Return, {
          id: returnId,
          orderId: chain.orderId,
          merchantId: chain.merchantId,
          reason: 'OTHER',
          comment: `shipped after cancellation, not kept: ${why} (chain ${chainId})`,
          status: 'OPEN',
          cancellationRequestId: null,
          createdAt: new Date(),
        });
        await em.flush();
        for (const r of requested) {
          lines.find((l) => l.id === r.lineId)!.returnedQuantity += r.quantity;
          em.create(ReturnLine, { returnId, orderLineId: r.lineId, quantity: r.quantity });
        }
        chain.returnId = returnId;
        chain.updatedAt = new Date();
        recordOrderEvent(em, chain.orderId, 'RETURN_OPENED', { returnId, reason: 'OTHER', lines: requested, chainId }, 'workflow');
        await em.flush();
        return { returnId };
      });
    },
  };
}
