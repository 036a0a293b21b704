import { ApiError, type Transport } from './http.ts';
import type { OrderPayments } from './types.ts';

/** The payment service (proxied at /api/payments). */
export function paymentsApi(t: Transport) {
  return {
    /** null when the payment service has recorded nothing for the order yet (it answers 404 then). */
    forOrder: async (orderId: string): Promise<OrderPayments | null> => {
      try {
        return await t.request<OrderPayments>('GET', `/orders/${encodeURIComponent(orderId)}/payments`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  };
}
export type PaymentsApi = ReturnType<typeof paymentsApi>;
