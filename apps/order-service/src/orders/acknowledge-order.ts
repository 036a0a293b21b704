import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, RuleViolationError } from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import type { Order, OrderLine } from '../db/entities/index.ts';
import { linesOf, lockOrderOrFail, recomputeOrderStatus, recordOrderEvent } from '../db/order-store.ts';

/**
 * The shop retrieved the order (NEW -> IN_PROGRESS), optionally naming its own number for it
 * (unique per merchant; the Merchant API's MerchantOrderNo). A repeat is a retry: the same answer.
 * Used by POST /orders/:id/acknowledge and POST /v2/orders/acknowledge.
 */
export async function acknowledgeOrder(
  em: EntityManager,
  orderId: string,
  options: { merchantOrderNo?: string } = {},
): Promise<{ order: Order; lines: OrderLine[] }> {
  try {
    return await em.fork().transactional(async (tx) => {
      const order = await lockOrderOrFail(tx, orderId);
      if (order.status === 'SHIPPED' || order.status === 'CANCELLED' || order.status === 'CLOSED') {
        throw new RuleViolationError(`the order is ${order.status}: there is nothing left for the shop to acknowledge`);
      }
      const number = options.merchantOrderNo;
      if (number !== undefined && order.merchantOrderNo !== null && order.merchantOrderNo !== number) {
        throw new ConflictError(`the order was acknowledged as merchantOrderNo ${order.merchantOrderNo}: it keeps that number`, [
          { path: 'merchantOrderNo', message: `already acknowledged as ${order.merchantOrderNo}` },
        ]);
      }
      const lines = await linesOf(tx, order.id);
      if (number !== undefined && order.merchantOrderNo === null) order.merchantOrderNo = number;
      if (!order.acknowledged) {
        order.acknowledged = true;
        order.acknowledgedAt = new Date();
        await recomputeOrderStatus(tx, order, lines);
        recordOrderEvent(tx, order.id, 'ACKNOWLEDGED', number !== undefined ? { merchantOrderNo: number } : {}, 'shop');
      }
      return { order, lines };
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new ConflictError(
        `merchantOrderNo ${options.merchantOrderNo} is already the number of another order of this merchant: name each order by its own number`,
        [{ path: 'merchantOrderNo', message: 'already the number of another order of this merchant' }],
      );
    }
    throw error;
  }
}
