import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { deriveOrderStatus, NotFoundError, type OrderStatus } from '@cancelflow/domain';
import { Dispute, Order, OrderEvent, OrderLine } from './entities/index.ts';
import { isUuid } from '@cancelflow/domain';

/** A malformed id names nothing, so it is "not found" rather than a server error. */
export function assertId(id: string | undefined, what: string): string {
  if (!id || !isUuid(id)) throw new NotFoundError(`no ${what} ${id ?? ''}`.trim());
  return id.toLowerCase();
}

export async function findOrderOrFail(em: EntityManager, id: string | undefined): Promise<Order> {
  const orderId = assertId(id, 'order');
  const order = await em.findOne(Order, { id: orderId });
  if (!order) throw new NotFoundError(`no order ${orderId}`);
  return order;
}

export const linesOf = (em: EntityManager, orderId: string): Promise<OrderLine[]> =>
  em.find(OrderLine, { orderId }, { orderBy: { lineNo: 'asc' } });

/** Adds an entry to the order's timeline (flushed with the unit of work). */
export function recordOrderEvent(em: EntityManager, orderId: string, type: string, detail: Record<string, unknown>, actor: string): void {
  em.create(OrderEvent, { id: randomUUID(), orderId, type, detail, actor, at: new Date() });
}

/**
 * The order status follows from its lines (CLOSED stays CLOSED). An eBay order with an open
 * dispute stays open until the marketplace closes the dispute.
 */
export async function recomputeOrderStatus(em: EntityManager, order: Order, lines: readonly OrderLine[]): Promise<OrderStatus> {
  if (order.status === 'CLOSED') return order.status;
  let status: OrderStatus = deriveOrderStatus(lines, order.acknowledged);
  if (status === 'CANCELLED' && (await em.count(Dispute, { orderId: order.id, status: 'OPEN' })) > 0) {
    status = order.acknowledged ? 'IN_PROGRESS' : 'NEW';
  }
  order.status = status;
  return status;
}

/** Loads the order and holds its row lock until the transaction ends (SELECT ... FOR UPDATE). */
export async function lockOrderOrFail(em: EntityManager, orderId: string): Promise<Order> {
  const order = await em.findOne(Order, { id: orderId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!order) throw new NotFoundError(`no order ${orderId}`);
  return order;
}
