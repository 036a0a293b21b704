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
  vatIncluded,
  type LineMoney,
  type OrderTotals,
} from '@cancelflow/domain';
import type { Cancellation, CancellationLine, Order, OrderLine, Return, ReturnLine, Shipment, ShipmentLine } from '../db/entities/index.ts';
import { totalsOf } from '../orders/order-money.ts';

/**
 * The money of an order in ChannelEngine's fields (decimals, VAT included): the subtotal is what
 * the lines cost after their discounts and their share of the order's discounts (the domain's
 * allocation), plus shipping makes the total the payments add up to. ChannelEngine's "Original"
 * amounts are those in the channel's currency: the same currency here.
 */
function orderMoney(order: Order, totals: OrderTotals) {
  const major = (minor: number) => toMajorUnits(minor, order.currency);
  const subTotal = totals.lines.reduce((n, l) => n + l.total, 0);
  const subTotalVat = totals.lines.reduce((n, l) => n + l.vat, 0);
  return {
    SubTotalInclVat: major(subTotal),
    SubTotalVat: major(subTotalVat),
    ShippingCostsInclVat: major(totals.shipping),
    ShippingCostsVat: major(totals.shippingVat),
    TotalInclVat: major(totals.total),
    TotalVat: major(totals.vat),
    OriginalSubTotalInclVat: major(subTotal),
    OriginalSubTotalVat: major(subTotalVat),
    OriginalShippingCostsInclVat: major(totals.shipping),
    OriginalShippingCostsVat: major(totals.shippingVat),
    OriginalTotalInclVat: major(totals.total),
    OriginalTotalVat: major(totals.vat),
  };
}

/** A line: the unit's list price, and the line's total after every discount (what the customer paid for it). */
function lineMoney(order: Order, line: OrderLine, paid: LineMoney | undefined) {
  const major = (minor: number) => toMajorUnits(minor, order.currency);
  const total = paid?.total ?? line.quantity * line.unitPrice;
  const vat = paid?.vat ?? vatIncluded(total, line.vatRate);
  const unitVat = vatIncluded(line.unitPrice, line.vatRate);
  return {
    UnitPriceInclVat: major(line.unitPrice),
    UnitVat: major(unitVat),
    LineTotalInclVat: major(total),
    LineVat: major(vat),
    OriginalUnitPriceInclVat: major(line.unitPrice),
    OriginalUnitVat: major(unitVat),
    OriginalLineTotalInclVat: major(total),
    OriginalLineVat: major(vat),
    /** Percent (21 for 21 %); CancelFlow keeps basis points. */
    VatRate: line.vatRate / 100,
  };
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export function merchantApiOrderLine(order: Order, line: OrderLine, cancellationRequested: number, paid?: LineMoney) {
  const major = (minor: number) => String(toMajorUnits(minor, order.currency));
  return {
    Status: merchantApiLineStatus(line, order.status),
    IsFulfillmentByMarketplace: false,
    ChannelProductNo: line.sku,
    MerchantProductNo: line.sku,
    Quantity: line.quantity,
    CancellationRequestedQuantity: cancellationRequested,
    ...lineMoney(order, line, paid),
    ExtraData: [
      { Key: 'LineDiscountInclVat', Value: major(line.discount) },
      { Key: 'OrderDiscountShareInclVat', Value: major(paid?.orderDiscountShare ?? 0) },
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
  const totals = totalsOf(order, lines);
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
    ...orderMoney(order, totals),
    PaymentMethod: payment?.method ?? null,
    PaymentReferenceNo: payment?.reference ?? null,
    Lines: lines.map((l, i) => merchantApiOrderLine(order, l, requested.get(l.id) ?? 0, totals.lines[i])),
    ExtraData: {
      CancelFlowOrderId: order.id,
      CancelFlowStatus: order.status,
      CustomerName: order.customerName,
      GrossSubTotalInclVat: String(toMajorUnits(totals.subtotal, order.currency)),
      DiscountInclVat: String(toMajorUnits(totals.discount, order.currency)),
      CancellationRequested: String(order.cancellationRequested),
      ThirdPartyManaged: String(order.thirdPartyManaged),
    },
  };
}

const productOf = (orderLines: readonly OrderLine[], lineId: string) => orderLines.find((l) => l.id === lineId)?.sku ?? null;

export function merchantApiCancellation(
  c: Cancellation,
  lines: readonly CancellationLine[],
  orderLines: readonly OrderLine[],
  order: Order,
) {
  return {
    MerchantCancellationNo: c.merchantCancellationNumber,
    MerchantOrderNo: order.merchantOrderNo ?? '',
    ChannelOrderNo: order.channelOrderNo,
    Lines: lines.map((l) => ({
      MerchantProductNo: productOf(orderLines, l.orderLineId),
      ChannelProductNo: productOf(orderLines, l.orderLineId),
      Quantity: l.quantity,
    })),
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
