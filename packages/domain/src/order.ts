import type { Channel } from './channel-policies.ts';
import type { Money } from './money.ts';

export const ORDER_STATUSES = ['NEW', 'IN_PROGRESS', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED', 'CLOSED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const PAYMENT_METHODS = ['CARD', 'BANK_TRANSFER', 'POINTS', 'STORE_CREDIT'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Points and store credit are the merchant's own ledger: giving them back needs no provider. */
export const isLedgerMethod = (method: PaymentMethod): boolean => method === 'POINTS' || method === 'STORE_CREDIT';

export interface LineQuantities {
  quantity: number;
  shippedQuantity: number;
  cancelledQuantity: number;
  returnedQuantity: number;
}

export interface OrderLineView extends LineQuantities {
  id: string;
  lineNo: number;
  sku: string;
  unitPrice: Money;
}

export interface OrderView {
  id: string;
  merchantId: string;
  channel: Channel;
  channelOrderNo: string;
  status: OrderStatus;
  /** The shop has retrieved the order (NEW -> IN_PROGRESS). */
  acknowledged: boolean;
  thirdPartyManaged: boolean;
  currency: string;
  placedAt: string;
  lines: OrderLineView[];
}

/** What is neither shipped nor cancelled: the only quantity a cancellation can take. */
export const openQuantity = (line: LineQuantities): number => line.quantity - line.shippedQuantity - line.cancelledQuantity;

/**
 * The order status follows from its lines: the channel's view of where the order is.
 * CLOSED is set explicitly (e.g. a dispute or the channel closed it) and is never derived.
 */
export function deriveOrderStatus(lines: readonly LineQuantities[], acknowledged: boolean): Exclude<OrderStatus, 'CLOSED'> {
  const ordered = total(lines, (l) => l.quantity);
  const shipped = total(lines, (l) => l.shippedQuantity);
  const cancelled = total(lines, (l) => l.cancelledQuantity);
  if (ordered > 0 && cancelled === ordered) return 'CANCELLED';
  if (shipped > 0 && shipped + cancelled === ordered) return 'SHIPPED';
  if (shipped > 0) return 'PARTIALLY_SHIPPED';
  return acknowledged ? 'IN_PROGRESS' : 'NEW';
}

function total(lines: readonly LineQuantities[], pick: (l: LineQuantities) => number): number {
  return lines.reduce((n, l) => n + pick(l), 0);
}
