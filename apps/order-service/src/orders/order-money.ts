/**
 * The order's money as the domain's rule reads it, and what its cancellations gave back so far.
 * Every refund amount of the order service is priced here, by planCancellationRefund: the
 * reservation of a cancellation, the eligibility preview and the undo's take-back.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  assertCancellable,
  orderTotals,
  planCancellationRefund,
  policyFor,
  type CancellationRefund,
  type OrderTotals,
  type RefundedBefore,
  type RefundPreview,
  type RefundOrder,
} from '@cancelflow/domain';
import { Cancellation, CancellationLine, type Order, type OrderLine } from '../db/entities/index.ts';

export function orderMoneyOf(order: Order, lines: readonly OrderLine[]): RefundOrder {
  return {
    lines: lines.map((l) => ({
      id: l.id,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      vatRate: l.vatRate,
      discount: l.discount,
      shippedQuantity: l.shippedQuantity,
      cancelledQuantity: l.cancelledQuantity,
      returnedQuantity: l.returnedQuantity,
    })),
    discounts: order.discounts,
    shipping: { amount: order.shippingAmount, vatRate: order.shippingVatRate },
  };
}

export const totalsOf = (order: Order, lines: readonly OrderLine[]): OrderTotals => orderTotals(orderMoneyOf(order, lines));

/** What the order's cancellations that still stand (all but the undone) have given back. */
export async function refundedBefore(em: EntityManager, orderId: string): Promise<RefundedBefore> {
  const standing = await em.find(Cancellation, { orderId, status: { $ne: 'UNDONE' } });
  if (standing.length === 0) return refundedBy([], []);
  return refundedBy(standing, await em.find(CancellationLine, { cancellationId: { $in: standing.map((c) => c.id) } }));
}

/** What `standing` cancellations, with their lines, have given back. */
export function refundedBy(standing: readonly Cancellation[], lines: readonly CancellationLine[]): RefundedBefore {
  return {
    lines: lines.map((l) => ({ lineId: l.orderLineId, amount: l.amount, vat: l.vat })),
    shipping: {
      amount: standing.reduce((n, c) => n + c.shippingAmount, 0),
      vat: standing.reduce((n, c) => n + c.shippingVat, 0),
    },
  };
}

/**
 * What cancelling `requested` would refund now. `lines` are the order's lines before the
 * cancellation takes its quantities; the caller has checked the quantities.
 */
export async function priceCancellation(
  em: EntityManager,
  order: Order,
  lines: readonly OrderLine[],
  requested: readonly { lineId: string; quantity: number }[],
  before?: RefundedBefore,
): Promise<CancellationRefund> {
  return planRefund(order, lines, requested, before ?? (await refundedBefore(em, order.id)));
}

const planRefund = (
  order: Order,
  lines: readonly OrderLine[],
  requested: readonly { lineId: string; quantity: number }[],
  before: RefundedBefore,
): CancellationRefund =>
  planCancellationRefund({
    order: orderMoneyOf(order, lines),
    requested,
    before,
    refundShippingWithLastUnit: policyFor(order.channel).refundShippingWithLastUnit,
  });

const previewOf = (order: Order, lines: readonly OrderLine[], refund: CancellationRefund): RefundPreview => ({
  currency: order.currency,
  lines: refund.lines.map((r) => {
    const line = lines.find((l) => l.id === r.lineId)!;
    return { lineId: r.lineId, lineNo: line.lineNo, sku: line.sku, quantity: r.quantity, amount: r.amount, vat: r.vat };
  }),
  shipping: refund.shipping,
  amount: refund.amount,
  vat: refund.vat,
});

/**
 * What a cancellation would refund, before the merchant confirms it: of `requested` when given
 * (checked like the cancellation itself, so a preview is refused for what could not be
 * cancelled), else of everything `cancellable` now; and per line, of its cancellable rest alone.
 */
export function refundPreviews(
  order: Order,
  lines: readonly OrderLine[],
  before: RefundedBefore,
  cancellable: readonly { lineId: string; cancellableQuantity: number }[],
  requested?: readonly { lineId: string; quantity: number }[],
): { preview: RefundPreview; perLine: Map<string, RefundPreview> } {
  if (requested) assertCancellable({ channel: order.channel, status: order.status, lines }, requested);
  const open = cancellable.filter((l) => l.cancellableQuantity > 0).map((l) => ({ lineId: l.lineId, quantity: l.cancellableQuantity }));
  const price = (what: readonly { lineId: string; quantity: number }[]) => previewOf(order, lines, planRefund(order, lines, what, before));
  const perLine = new Map<string, RefundPreview>();
  for (const line of open) perLine.set(line.lineId, price([line]));
  return { preview: price(requested ?? open), perLine };
}
