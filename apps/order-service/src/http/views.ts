import {
  openQuantity,
  type LineMoney,
  type CancellationBody,
  type DisputeBody,
  type OrderBody,
  type OrderLineBody,
  type StepRecordBody,
  type UndoBody,
} from '@cancelflow/domain';
import { UNDO_MONEY_STEPS } from '@cancelflow/domain/undo-cancellation';
import type { Cancellation, CancellationLine, CancellationStepRecord, Dispute, Order, OrderLine } from '../db/entities/index.ts';
import type { CancellationUndo, CancellationUndoStep } from '../db/entities/undo.ts';
import { totalsOf } from '../orders/order-money.ts';

/** A line; with what the customer paid for it (`paid`) where the order's discounts are known. */
export const lineView = (line: OrderLine, paid?: LineMoney): OrderLineBody => ({
  id: line.id,
  lineNo: line.lineNo,
  sku: line.sku,
  quantity: line.quantity,
  /** VAT included, minor units. */
  unitPrice: line.unitPrice,
  /** Basis points (2100 = 21 %). */
  vatRate: line.vatRate,
  /** The line's own discount. */
  discount: line.discount,
  ...(paid ? { orderDiscountShare: paid.orderDiscountShare, total: paid.total, vat: paid.vat } : {}),
  shippedQuantity: line.shippedQuantity,
  cancelledQuantity: line.cancelledQuantity,
  returnedQuantity: line.returnedQuantity,
  openQuantity: openQuantity(line),
});

export const orderView = (order: Order, lines: readonly OrderLine[], totals = totalsOf(order, lines)): OrderBody => ({
  id: order.id,
  merchantId: order.merchantId,
  channel: order.channel,
  channelOrderNo: order.channelOrderNo,
  /** The integer id and the shop's own number of the Merchant API (named when the shop acknowledged it). */
  integerId: order.integerId,
  merchantOrderNo: order.merchantOrderNo ?? undefined,
  status: order.status,
  acknowledged: order.acknowledged,
  thirdPartyManaged: order.thirdPartyManaged,
  selfServiceEnabled: order.selfServiceEnabled,
  /** A customer's cancellation request waits for the merchant. */
  cancellationRequested: order.cancellationRequested,
  currency: order.currency,
  placedAt: order.placedAt.toISOString(),
  customer: { email: order.customerEmail, name: order.customerName },
  /** What the customer pays (the payments add up to it): lines less discounts plus shipping. */
  total: totals.total,
  money: {
    subtotal: totals.subtotal,
    discount: totals.discount,
    discounts: order.discounts,
    shipping: { amount: totals.shipping, vatRate: order.shippingVatRate, vat: totals.shippingVat },
    total: totals.total,
    vat: totals.vat,
  },
  payments: order.payments,
  lines: lines.map((l, i) => lineView(l, totals.lines[i])),
  createdAt: order.createdAt.toISOString(),
  updatedAt: order.updatedAt.toISOString(),
});

/** A recorded step of any process (cancellation, cancelled-but-shipped process, undo): the same shape everywhere. */
export const stepView = (s: { step: string; key: string; detail?: string | null; actor: string; at: Date }): StepRecordBody => ({
  step: s.step,
  key: s.key === '' ? undefined : s.key,
  detail: s.detail ?? undefined,
  actor: s.actor,
  at: s.at.toISOString(),
});

export const disputeView = (d: Dispute): DisputeBody => ({
  id: d.id,
  orderId: d.orderId,
  cancellationId: d.cancellationId,
  status: d.status,
  resolution: d.resolution ?? undefined,
  note: d.note ?? undefined,
  openedAt: d.openedAt.toISOString(),
  closedAt: d.closedAt?.toISOString(),
});

export function cancellationView(
  c: Cancellation,
  lines: readonly CancellationLine[],
  orderLines: readonly OrderLine[],
  steps: readonly CancellationStepRecord[],
  dispute?: Dispute | null,
): CancellationBody {
  return {
    id: c.id,
    orderId: c.orderId,
    merchantId: c.merchantId,
    merchantCancellationNumber: c.merchantCancellationNumber,
    status: c.status,
    reason: c.reason,
    comment: c.comment ?? undefined,
    initiator: c.initiator,
    refundMethod: c.refundMethod,
    restock: c.restock,
    /** What it refunds, VAT included (its lines and any shipping). */
    amount: c.amount,
    vat: c.vat,
    shipping: { amount: c.shippingAmount, vat: c.shippingVat },
    currency: c.currency,
    refundStatus: c.refundStatus ?? undefined,
    refundFailureReason: c.refundFailureReason ?? undefined,
    workflowId: c.workflowId,
    createdAt: c.createdAt.toISOString(),
    completedAt: c.completedAt?.toISOString(),
    lines: lines.map((l) => {
      const line = orderLines.find((o) => o.id === l.orderLineId);
      return {
        lineId: l.orderLineId,
        lineNo: line?.lineNo,
        sku: line?.sku,
        quantity: l.quantity,
        unitPrice: line?.unitPrice,
        refund: l.amount,
        vat: l.vat,
      };
    }),
    steps: steps.map(stepView),
    dispute: dispute ? disputeView(dispute) : undefined,
  };
}

/** An undo with its steps (oldest first) and its lines; the live process state is the caller's. */
export function undoView(undo: CancellationUndo, steps: readonly CancellationUndoStep[], orderLines: readonly OrderLine[]): UndoBody {
  const stepViews = steps.map(stepView);
  return {
    id: undo.id,
    cancellationId: undo.cancellationId,
    orderId: undo.orderId,
    attempt: undo.attempt,
    status: undo.status,
    reason: undo.reason,
    staffId: undo.staffId,
    workflowId: undo.workflowId,
    amount: undo.amount,
    whole: undo.whole,
    failureReason: undo.failureReason ?? undefined,
    // Each request asked of the customer is recorded under its id: the latest one is the open one.
    paymentRequestId: steps.filter((s) => s.step === 'PAYMENT_REQUESTED').at(-1)?.key || undefined,
    createdAt: undo.createdAt.toISOString(),
    completedAt: undo.completedAt?.toISOString(),
    lines: undo.lines.map((l) => {
      const line = orderLines.find((o) => o.id === l.lineId);
      return { lineId: l.lineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity, unitPrice: line?.unitPrice };
    }),
    steps: stepViews,
    moneySteps: stepViews.filter((s) => UNDO_MONEY_STEPS.has(s.step)),
  };
}
