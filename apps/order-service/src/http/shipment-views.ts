import type { CancelledButShippedBody, OrderDetail, ShipmentBody } from '@cancelflow/domain';
import type { OrderPage } from '../db/pages.ts';
import type {
  CancelledButShipped,
  Shipment,
  ShipmentLine,
  CancelledButShippedLine,
  CancelledButShippedStepRecord,
  OrderLine,
} from '../db/entities/index.ts';
import { stepView } from './views.ts';

export const shipmentView = (s: Shipment, lines: readonly ShipmentLine[]): ShipmentBody => ({
  id: s.id,
  orderId: s.orderId,
  shipmentNumber: s.shipmentNumber,
  carrier: s.carrier,
  trackingNumber: s.trackingNumber,
  shippedAt: s.shippedAt.toISOString(),
  createdAt: s.createdAt.toISOString(),
  lines: lines.map((l) => ({
    lineId: l.orderLineId,
    quantity: l.quantity,
    fromOpen: l.fromOpen,
    shippedAfterCancel: l.fromCancelled,
  })),
});

export function cancelledButShippedView(
  c: CancelledButShipped,
  lines: readonly CancelledButShippedLine[],
  orderLines: readonly OrderLine[],
  steps: readonly CancelledButShippedStepRecord[],
): CancelledButShippedBody {
  return {
    id: c.id,
    orderId: c.orderId,
    shipmentId: c.shipmentId,
    merchantId: c.merchantId,
    status: c.status,
    amount: c.amount,
    currency: c.currency,
    workflowId: c.workflowId,
    cancellationIds: c.cancellationIds,
    acknowledgement: c.acknowledgement ?? undefined,
    acknowledgementId: c.acknowledgementId ?? undefined,
    rebillApprovedBy: c.rebillApprovedBy ?? undefined,
    returnId: c.returnId ?? undefined,
    creditMemoId: steps.find((s) => s.step === 'CREDIT_MEMO_ISSUED')?.key || undefined,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    lines: lines.map((l) => {
      const line = orderLines.find((o) => o.id === l.orderLineId);
      return { lineId: l.orderLineId, lineNo: line?.lineNo, sku: line?.sku, quantity: l.quantity, unitPrice: l.unitPrice };
    }),
    steps: steps.map(stepView),
  };
}

/** The order's shipments and cancelled-but-shipped processes, for GET /orders/:id. */
export function shipmentsOfOrder({
  shipments,
  shipmentLines,
  cancelledButShipped,
}: Pick<OrderPage, 'shipments' | 'shipmentLines' | 'cancelledButShipped'>): Pick<OrderDetail, 'shipments' | 'cancelledButShipped'> {
  return {
    shipments: shipments.map((s) =>
      shipmentView(
        s,
        shipmentLines.filter((l) => l.shipmentId === s.id),
      ),
    ),
    cancelledButShipped: cancelledButShipped.map((c) => ({
      id: c.id,
      shipmentId: c.shipmentId,
      status: c.status,
      amount: c.amount,
      currency: c.currency,
    })),
  };
}
