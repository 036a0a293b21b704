import type { EntityManager } from '@mikro-orm/postgresql';
import type { CancelledButShippedBody, OrderDetail, ShipmentBody } from '@cancelflow/domain';
import {
  CancelledButShipped,
  Shipment,
  ShipmentLine,
  type CancelledButShippedLine,
  type CancelledButShippedStepRecord,
  type OrderLine,
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
export async function shipmentsOfOrder(
  em: EntityManager,
  orderId: string,
): Promise<Pick<OrderDetail, 'shipments' | 'cancelledButShipped'>> {
  const shipments = await em.find(Shipment, { orderId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  const lines = shipments.length ? await em.find(ShipmentLine, { shipmentId: { $in: shipments.map((s) => s.id) } }) : [];
  const cancelledButShippedList = await em.find(CancelledButShipped, { orderId }, { orderBy: { createdAt: 'asc' } });
  return {
    shipments: shipments.map((s) =>
      shipmentView(
        s,
        lines.filter((l) => l.shipmentId === s.id),
      ),
    ),
    cancelledButShipped: cancelledButShippedList.map((c) => ({
      id: c.id,
      shipmentId: c.shipmentId,
      status: c.status,
      amount: c.amount,
      currency: c.currency,
    })),
  };
}
