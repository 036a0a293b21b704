/**
 * ChannelEngine's Merchant API v2 vocabulary and how CancelFlow's words translate into it. The
 * values are exactly those of ChannelEngine's published OpenAPI document (its clients refuse any
 * other): the order status is spelled CANCELED, the return status CANCELLED. A translation, not a
 * rule: what may be cancelled, shipped or returned is decided by the same rules as the native API.
 */
import type { CancellationReason } from './cancellation.ts';
import { CHANNELS, type Channel } from './channel-policies.ts';
import type { LineQuantities, OrderStatus } from './order.ts';
import type { ReturnReason, ReturnStatus } from './returns.ts';

export const MERCHANT_API_ORDER_STATUSES = [
  'IN_PROGRESS',
  'SHIPPED',
  'IN_BACKORDER',
  'MANCO',
  'CANCELED',
  'IN_COMBI',
  'CLOSED',
  'NEW',
  'RETURNED',
  'REQUIRES_CORRECTION',
  'AWAITING_PAYMENT',
] as const;
export type MerchantApiOrderStatus = (typeof MERCHANT_API_ORDER_STATUSES)[number];

/** ChannelEngine's "MancoReason": why the merchant cancels. */
export const MERCHANT_API_CANCELLATION_REASONS = [
  'NOT_IN_STOCK',
  'DAMAGED',
  'INCOMPLETE',
  'CLIENT_CANCELLED',
  'INVALID_ADDRESS',
  'OTHER',
] as const;
export type MerchantApiCancellationReason = (typeof MERCHANT_API_CANCELLATION_REASONS)[number];

export const MERCHANT_API_RETURN_STATUSES = ['IN_PROGRESS', 'RECEIVED', 'CANCELLED'] as const;
export type MerchantApiReturnStatus = (typeof MERCHANT_API_RETURN_STATUSES)[number];

export const MERCHANT_API_RETURN_REASONS = [
  'PRODUCT_DEFECT',
  'PRODUCT_UNSATISFACTORY',
  'WRONG_PRODUCT',
  'TOO_MANY_PRODUCTS',
  'REFUSED',
  'REFUSED_DAMAGED',
  'WRONG_ADDRESS',
  'NOT_COLLECTED',
  'WRONG_SIZE',
  'OTHER',
] as const;
export type MerchantApiReturnReason = (typeof MERCHANT_API_RETURN_REASONS)[number];

/** ChannelEngine's pages are 100 long. */
export const MERCHANT_API_PAGE_SIZE = 100;

/**
 * An order as the channel sees it. ChannelEngine has no "partially shipped" order: such an order
 * is still IN_PROGRESS (its lines say what shipped).
 */
export function merchantApiOrderStatus(status: OrderStatus): MerchantApiOrderStatus {
  switch (status) {
    case 'NEW':
      return 'NEW';
    case 'IN_PROGRESS':
    case 'PARTIALLY_SHIPPED':
      return 'IN_PROGRESS';
    case 'SHIPPED':
      return 'SHIPPED';
    case 'CANCELLED':
      return 'CANCELED';
    case 'CLOSED':
      return 'CLOSED';
  }
}

/** The CancelFlow statuses a ChannelEngine status filter names (none for statuses CancelFlow never has). */
export function orderStatusesOf(status: MerchantApiOrderStatus): OrderStatus[] {
  switch (status) {
    case 'NEW':
      return ['NEW'];
    case 'IN_PROGRESS':
      return ['IN_PROGRESS', 'PARTIALLY_SHIPPED'];
    case 'SHIPPED':
      return ['SHIPPED'];
    case 'CANCELED':
      return ['CANCELLED'];
    case 'CLOSED':
      return ['CLOSED'];
    default:
      return [];
  }
}

/** A line's own status: all of it cancelled, all of it done (shipped or cancelled), else the order's. */
export function merchantApiLineStatus(line: LineQuantities, orderStatus: OrderStatus): MerchantApiOrderStatus {
  if (line.cancelledQuantity >= line.quantity) return 'CANCELED';
  if (line.shippedQuantity > 0 && line.shippedQuantity + line.cancelledQuantity >= line.quantity) return 'SHIPPED';
  return merchantApiOrderStatus(orderStatus === 'SHIPPED' || orderStatus === 'CANCELLED' ? 'IN_PROGRESS' : orderStatus);
}

const CANCELLATION_REASON_OF: Record<MerchantApiCancellationReason, CancellationReason> = {
  NOT_IN_STOCK: 'OUT_OF_STOCK',
  DAMAGED: 'DEFECTIVE',
  INCOMPLETE: 'OTHER',
  CLIENT_CANCELLED: 'CUSTOMER_REQUEST',
  INVALID_ADDRESS: 'SHIPPING_UNAVAILABLE',
  OTHER: 'OTHER',
};

export const cancellationReasonOf = (code: MerchantApiCancellationReason): CancellationReason => CANCELLATION_REASON_OF[code];

/** CancelFlow's reason in ChannelEngine's words; reasons it has no word for are OTHER. */
export function merchantApiCancellationReason(reason: CancellationReason): MerchantApiCancellationReason {
  switch (reason) {
    case 'OUT_OF_STOCK':
      return 'NOT_IN_STOCK';
    case 'DEFECTIVE':
      return 'DAMAGED';
    case 'CUSTOMER_REQUEST':
      return 'CLIENT_CANCELLED';
    case 'SHIPPING_UNAVAILABLE':
      return 'INVALID_ADDRESS';
    default:
      return 'OTHER';
  }
}

const RETURN_REASON_OF: Record<MerchantApiReturnReason, ReturnReason> = {
  PRODUCT_DEFECT: 'DEFECTIVE',
  PRODUCT_UNSATISFACTORY: 'CHANGED_MIND',
  WRONG_PRODUCT: 'WRONG_ITEM',
  TOO_MANY_PRODUCTS: 'CHANGED_MIND',
  REFUSED: 'OTHER',
  REFUSED_DAMAGED: 'DEFECTIVE',
  WRONG_ADDRESS: 'OTHER',
  NOT_COLLECTED: 'OTHER',
  WRONG_SIZE: 'WRONG_ITEM',
  OTHER: 'OTHER',
};

export const returnReasonOf = (reason: MerchantApiReturnReason): ReturnReason => RETURN_REASON_OF[reason];

export function merchantApiReturnReason(reason: ReturnReason): MerchantApiReturnReason {
  switch (reason) {
    case 'DEFECTIVE':
      return 'PRODUCT_DEFECT';
    case 'CHANGED_MIND':
      return 'PRODUCT_UNSATISFACTORY';
    case 'WRONG_ITEM':
      return 'WRONG_PRODUCT';
    default:
      return 'OTHER';
  }
}

/** An open return is IN_PROGRESS; a received or closed one is RECEIVED (CancelFlow cancels no returns). */
export const merchantApiReturnStatus = (status: ReturnStatus): MerchantApiReturnStatus => (status === 'OPEN' ? 'IN_PROGRESS' : 'RECEIVED');

export function returnStatusesOf(status: MerchantApiReturnStatus): ReturnStatus[] {
  if (status === 'IN_PROGRESS') return ['OPEN'];
  if (status === 'RECEIVED') return ['RECEIVED', 'CLOSED'];
  return [];
}

/** ChannelEngine numbers its channels; CancelFlow's are a fixed list, numbered from 1 in its order. */
export const merchantApiChannelId = (channel: Channel): number => CHANNELS.indexOf(channel) + 1;
export const channelOfId = (id: number): Channel | undefined => CHANNELS[id - 1];
