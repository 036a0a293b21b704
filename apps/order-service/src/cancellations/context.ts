import type { CancellationContext } from '@cancelflow/workflows/contracts/cancellation';
import type { Cancellation, Order, OrderLine } from '../db/entities/index.ts';

/**
 * What the cancellation process works from: given to it when the reservation starts it, and
 * read again by loadCancellation for processes started before that.
 */
export function cancellationContext(
  cancellation: Cancellation,
  order: Order,
  /** The cancelled lines in the order's line order, each with the quantity cancelled. */
  lines: readonly { line: OrderLine; quantity: number }[],
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
