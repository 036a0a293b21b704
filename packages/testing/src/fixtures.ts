import { randomUUID } from 'node:crypto';
import { orderTotals, type CancellationStarted, type ImportOrderBody, type OrderBody } from '@cancelflow/domain';
import type { ApiClient } from './api.ts';

/** What the order service answers for an order and its lines (the domain's answer schemas). */
export type { OrderBody, OrderLineBody } from '@cancelflow/domain';

type OrderInput = ImportOrderBody;

/** A unique suffix, so tests sharing one database never meet each other's orders. */
export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/**
 * An order of two lines (2 mugs at 12.50, 1 teapot at 30.00) paid by card, unless told otherwise.
 * Payments default to one card payment of the whole total (less discounts, plus shipping).
 */
export function orderInput(overrides: Partial<OrderInput> = {}): OrderInput {
  const lines = overrides.lines ?? [
    { sku: 'MUG-BLUE', quantity: 2, unitPrice: 1250 },
    { sku: 'TEAPOT', quantity: 1, unitPrice: 3000 },
  ];
  const { total } = orderTotals({
    lines: lines.map((l, i) => ({
      id: String(i),
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      vatRate: l.vatRate ?? 0,
      discount: l.discount ?? 0,
    })),
    discounts: overrides.discounts ?? [],
    shipping: { amount: overrides.shipping?.amount ?? 0, vatRate: overrides.shipping?.vatRate ?? 0 },
  });
  return {
    channel: 'webshop',
    channelOrderNo: unique('WS'),
    merchantId: 'merchant-a',
    currency: 'EUR',
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    payments: total > 0 ? [{ method: 'CARD', amount: total, reference: unique('pi') }] : [],
    ...overrides,
    lines,
  };
}

export async function importOrder(orders: ApiClient, overrides: Partial<OrderInput> = {}): Promise<OrderBody> {
  const response = await orders.post<OrderBody>('/orders', orderInput(overrides));
  if (response.status !== 201) {
    throw new Error(`importing the order answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/** The 202 of POST /orders/:id/cancellations. */
export type CancellationAccepted = CancellationStarted;

/**
 * Cancels every open unit of the order (reason OUT_OF_STOCK, a fresh merchant number) and expects
 * the 202 that starts the process; `body` overrides any field.
 */
export async function cancelOrder(orders: ApiClient, order: OrderBody, body: Record<string, unknown> = {}): Promise<CancellationAccepted> {
  const response = await orders.post<CancellationAccepted>(`/orders/${order.id}/cancellations`, {
    lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.openQuantity })),
    reason: 'OUT_OF_STOCK',
    merchantCancellationNumber: unique('C'),
    ...body,
  });
  if (response.status !== 202) {
    throw new Error(`cancelling the order answered ${response.status}, not 202: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}
