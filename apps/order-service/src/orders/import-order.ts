import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, type ImportOrderInput } from '@cancelflow/domain';
import { isUniqueViolation } from '@cancelflow/service-kit';
import { Order, OrderLine } from '../db/entities/index.ts';
import { linesOf, recordOrderEvent } from '../db/order-store.ts';

export interface ImportResult {
  created: boolean;
  order: Order;
  lines: OrderLine[];
}

/**
 * Imports an order from its channel, idempotent on (channel, channelOrderNo): the same order again
 * answers the existing one; the same number with other content is refused, naming what differs.
 */
export async function importOrder(root: EntityManager, input: ImportOrderInput): Promise<ImportResult> {
  const existing = await findImported(root.fork(), input);
  if (existing) return existing;
  try {
    return await root.fork().transactional(async (em) => {
      const order = em.create(Order, {
        id: randomUUID(),
        merchantId: input.merchantId,
        channel: input.channel,
        channelOrderNo: input.channelOrderNo,
        placedAt: input.placedAt ? new Date(input.placedAt) : new Date(),
        currency: input.currency,
        customerEmail: input.customer.email,
        customerName: input.customer.name,
        acknowledged: false,
        thirdPartyManaged: input.thirdPartyManaged,
        selfServiceEnabled: input.selfServiceEnabled,
        status: 'NEW',
        payments: input.payments,
        discounts: input.discounts,
        shippingAmount: input.shipping.amount,
        shippingVatRate: input.shipping.vatRate,
      });
      // Lines reference the order: the order row goes in first.
      await em.flush();
      const lines = input.lines.map((l, i) =>
        em.create(OrderLine, {
          id: randomUUID(),
          orderId: order.id,
          lineNo: l.lineNo ?? i + 1,
          sku: l.sku,
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          vatRate: l.vatRate,
          discount: l.discount,
          shippedQuantity: 0,
          cancelledQuantity: 0,
          returnedQuantity: 0,
        }),
      );
      recordOrderEvent(em, order.id, 'IMPORTED', { channel: input.channel, channelOrderNo: input.channelOrderNo }, input.channel);
      lines.sort((a, b) => a.lineNo - b.lineNo);
      return { created: true, order, lines };
    });
  } catch (error) {
    // Two imports of the same order at once: the loser answers like a repeat.
    if (isUniqueViolation(error)) {
      const winner = await findImported(root.fork(), input);
      if (winner) return winner;
    }
    throw error;
  }
}

async function findImported(em: EntityManager, input: ImportOrderInput): Promise<ImportResult | undefined> {
  const order = await em.findOne(Order, { channel: input.channel, channelOrderNo: input.channelOrderNo });
  if (!order) return undefined;
  const lines = await linesOf(em, order.id);
  const differences = differencesFrom(order, lines, input);
  if (differences.length > 0) {
    throw new ConflictError(
      `order ${input.channelOrderNo} of ${input.channel} was already imported (id ${order.id}) with different ${differences.join(', ')}: an import cannot change an order`,
      differences.map((path) => ({ path, message: `differs from the order imported before` })),
    );
  }
  return { created: false, order, lines };
}

function differencesFrom(order: Order, lines: readonly OrderLine[], input: ImportOrderInput): string[] {
  const diff: string[] = [];
  if (order.merchantId !== input.merchantId) diff.push('merchantId');
  if (order.currency !== input.currency) diff.push('currency');
  if (input.placedAt && new Date(input.placedAt).getTime() !== order.placedAt.getTime()) diff.push('placedAt');
  if (order.customerEmail !== input.customer.email || order.customerName !== input.customer.name) diff.push('customer');
  if (order.thirdPartyManaged !== input.thirdPartyManaged) diff.push('thirdPartyManaged');
  if (order.selfServiceEnabled !== input.selfServiceEnabled) diff.push('selfServiceEnabled');
  const given = input.lines
    .map((l, i) => ({
      lineNo: l.lineNo ?? i + 1,
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      vatRate: l.vatRate,
      discount: l.discount,
    }))
    .sort((a, b) => a.lineNo - b.lineNo);
  const stored = lines.map((l) => ({
    lineNo: l.lineNo,
    sku: l.sku,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    vatRate: l.vatRate,
    discount: l.discount,
  }));
  if (JSON.stringify(given) !== JSON.stringify(stored)) diff.push('lines');
  const payments = (list: readonly { method: string; amount: number; reference: string }[]) =>
    JSON.stringify(list.map((p) => ({ method: p.method, amount: p.amount, reference: p.reference })));
  if (payments(order.payments) !== payments(input.payments)) diff.push('payments');
  const discounts = (list: readonly { amount: number; description?: string }[]) =>
    JSON.stringify(list.map((d) => ({ amount: d.amount, description: d.description ?? null })));
  if (discounts(order.discounts) !== discounts(input.discounts)) diff.push('discounts');
  if (order.shippingAmount !== input.shipping.amount || order.shippingVatRate !== input.shipping.vatRate) diff.push('shipping');
  return diff;
}
