import type { CancellationContext } from '@cancelflow/workflows/contracts/cancellation';
import type { Cancellation, CancellationLine, Order, OrderLine } from '../db/entities/index.ts';

/** A cancelled line: the order line it takes from, and how many units. */
export interface CancelledLine {
  line: OrderLine;
  quantity: number;
}

/** The order lines a cancellation takes from, in the order's line order, each with its quantity. */
export function cancelledLines(
  orderLines: readonly OrderLine[],
  taken: readonly Pick<CancellationLine, 'orderLineId' | 'quantity'>[],
): CancelledLine[] {
  return orderLines.flatMap((line) => {
    const c = taken.find((l) => l.orderLineId === line.id);
    return c ? [{ line, quantity: c.quantity }] : [];
  });
}

/**
 * What the cancellation process works from: given to it when the reservation starts it, and
 * read again by loadCancellation for processes started before that.
 */
export function cancellationContext(
  cancellation: Cancellation,
  order: Order,
  /** The cancelled lines in the order's line order (cancelledLines). */
  lines: readonly CancelledLine[],
): CancellationContext {
  return {
    cancellationId: cancellation.id,
    orderId: order.id,
    merchantId: order.merchantId,
    channel: order.channel,
    channelOrderNo: order.channelOrderNo,
    thirdPartyManaged: order.thirdPartyManaged,
    currency: cancellation.currency,
    amount: cancellation.amount,
    refundMethod: cancellation.refundMethod,
    restock: cancellation.restock,
    reason: cancellation.reason,
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
}
