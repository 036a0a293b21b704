import type { Transport } from './http.ts';
import type { OrderPayments } from './types.ts';

/** The payment service (proxied at /api/payments). */
export function paymentsApi(t: Transport) {
  return {
    forOrder: (orderId: string) => t.request<OrderPayments>('GET', `/orders/${encodeURIComponent(orderId)}/payments`),
  };
}
export type PaymentsApi = ReturnType<typeof paymentsApi>;
