/**
 * CancelFlow's records in the shapes of ChannelEngine's Merchant API v2 (MerchantOrderResponse,
 * MerchantCancellationResponse, MerchantShipmentResponse, MerchantReturnResponse): exactly their
 * fields, PascalCase; what CancelFlow knows beyond them goes in ExtraData (strings).
 */
import {
  merchantApiCancellationReason,
  merchantApiChannelId,
  merchantApiLineStatus,
  merchantApiOrderStatus,
  merchantApiReturnReason,
  merchantApiReturnStatus,
  toMajorUnits,
} from '@cancelflow/domain';
import type { Cancellation, CancellationLine, Order, OrderLine, Return, ReturnLine, Shipment, ShipmentLine } from '../db/entities/index.ts';

/**
 * The money of an order in ChannelEngine's fields (decimals, VAT included). Orders carry the
 * lines' unit prices (VAT included) only: the subtotal is the total, there is no shipping charge,
 * and the VAT fields are left out rather than guessed.
 */
function orderMoney(order: Order, lines: readonly OrderLine[]) {
  const major = (minor: number) => toMajorUnits(minor, order.currency);
  const subtotal = lines.reduce((n, l) => n + l.quantity * l.unitPrice, 0);
  return {
    SubTotalInclVat: major(subtotal),
    ShippingCostsInclVat: 0,
    TotalInclVat: major(subtotal),
    OriginalSubTotalInclVat: major(subtotal),
    OriginalShippingCostsInclVat: 0,
    OriginalTotalInclVat: major(subtotal),
  };
}

function lineMoney(order: Order, line: OrderLine) {
  const major = (minor: number) => toMajorUnits(minor, order.currency);
  return {
    UnitPriceInclVat: major(line.unitPrice),
    LineTotalInclVat: major(line.quantity * line.unitPrice),
    OriginalUnitPriceInclVat: major(line.unitPrice),
    OriginalLineTotalInclVat: major(line.quantity * line.unitPrice),
  };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function merchantApiOrderLine(order: Order, line: OrderLine, cancellationRequested: number) {
  return {
    Status: merchantApiLineStatus(line, order.status),
    IsFulfillmentByMarketplace: false,
    ChannelProductNo: line.sku,
    MerchantProductNo: line.sku,
    Quantity: line.quantity,
    CancellationRequestedQuantity: cancellationRequested,
    ...lineMoney(order, line),
    ExtraData: [
      { Key: 'CancelFlowLineId', Value: line.id },
      { Key: 'LineNo', Value: String(line.lineNo) },
      { Key: 'ShippedQuantity', Value: String(line.shippedQuantity) },
      { Key: 'CancelledQuantity', Value: String(line.cancelledQuantity) },
      { Key: 'ReturnedQuantity', Value: String(line.returnedQuantity) },
    ],
  };
}

/** `requested`: per order line, the quantity open customer or marketplace requests ask to cancel. */
export function merchantApiOrder(order: Order, lines: readonly OrderLine[], requested: ReadonlyMap<string, number>) {
  const [payment] = order.payments;
  return {
    Id: order.integerId,
    ChannelName: order.channel,
    ChannelId: merchantApiChannelId(order.channel),
    ChannelOrderNo: order.channelOrderNo,
    MerchantOrderNo: order.merchantOrderNo,
    Status: merchantApiOrderStatus(order.status),
    IsBusinessOrder: false,
    AcknowledgedDate: iso(order.acknowledgedAt),
    CreatedAt: iso(order.createdAt),
    UpdatedAt: iso(order.updatedAt),
    Email: order.customerEmail,
    CurrencyCode: order.currency,
    OrderDate: iso(order.placedAt),
    ...orderMoney(order, lines),
    PaymentMethod: payment?.method ?? null,
    PaymentReferenceNo: payment?.reference ?? null,
    Lines: lines.map((l) => merchantApiOrderLine(order, l, requested.get(l.id) ?? 0)),
    ExtraData: {
      CancelFlowOrderId: order.id,
      CancelFlowStatus: order.status,
      CustomerName: order.customerName,
      CancellationRequested: String(order.cancellationRequested),
      ThirdPartyManaged: String(order.thirdPartyManaged),
    },
  };
}

const productOf = (orderLines: readonly OrderLine[], lineId: string) => orderLines.find((l) => l.id === lineId)?.sku ?? null;

export function merchantApiCancellation(c: Cancellation, lines: readonly CancellationLine[], orderLines: readonly OrderLine[], order: Order) {
  return {
    MerchantCancellationNo: c.merchantCancellationNumber,
    MerchantOrderNo: order.merchantOrderNo ?? '',
    ChannelOrderNo: order.channelOrderNo,
    Lines: lines.map((l) => ({ MerchantProductNo: productOf(orderLines, l.orderLineId), ChannelProductNo: productOf(orderLines, l.orderLineId), Quantity: l.quantity })),
    CreatedAt: iso(c.createdAt),
    Reason: c.comment,
    ReasonCode: merchantApiCancellationReason(c.reason),
  };
}

export function merchantApiShipment(s: Shipment, lines: readonly ShipmentLine[], orderLines: readonly OrderLine[], order: Order) {
  return {
    MerchantShipmentNo: s.shipmentNumber,
    MerchantOrderNo: order.merchantOrderNo,
    ChannelOrderNo: order.channelOrderNo,
    Lines: lines.map((l) => ({
      MerchantProductNo: productOf(orderLines, l.orderLineId) ?? '',
      ChannelProductNo: productOf(orderLines, l.orderLineId),
      Quantity: l.quantity,
      ShipmentStatus: 'SHIPPED' as const,
      ExtraData: { ShippedAfterCancellation: String(l.fromCancelled) },
    })),
    CreatedAt: iso(s.createdAt),
    UpdatedAt: iso(s.createdAt),
    TrackTraceNo: s.trackingNumber,
    Method: s.carrier,
    ShipmentDate: iso(s.shippedAt),
    ExtraData: { CancelFlowShipmentId: s.id },
  };
}

export function merchantApiReturn(r: Return, lines: readonly ReturnLine[], orderLines: readonly OrderLine[], order: Order) {
  return {
    Id: r.integerId,
    MerchantOrderNo: order.merchantOrderNo,
    ChannelOrderNo: order.channelOrderNo,
    ChannelId: merchantApiChannelId(order.channel),
    MerchantReturnNo: r.merchantReturnNumber,
    Status: merchantApiReturnStatus(r.status),
    Reason: merchantApiReturnReason(r.reason),
    CustomerComment: r.comment,
    Lines: lines.map((l) => ({ MerchantProductNo: productOf(orderLines, l.orderLineId), Quantity: l.quantity })),
    CreatedAt: iso(r.createdAt),
    UpdatedAt: iso(r.createdAt),
    ReturnDate: iso(r.createdAt),
    ExtraData: { CancelFlowReturnId: r.id, CancelFlowReason: r.reason, CancelFlowStatus: r.status },
  };
}
