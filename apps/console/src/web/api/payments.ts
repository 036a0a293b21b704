import { ApiError, type Transport } from './http.ts';
import type { OrderPayments, OverdueWait, Rebill } from './types.ts';

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
    /** Rebills of a cancelled-but-shipped process. */
    rebillsOfCancelledButShipped: (cancelledButShippedId: string) =>
      t.request<{ items: Rebill[] }>('GET', '/rebills', { query: { cancelledButShippedId } }),
    /** Refunds and payment requests waiting on the provider or the customer longer than expected (support). */
    overdueWaits: () => t.request<{ waits: OverdueWait[] }>('GET', '/overdue-waits'),
  };
}
export type PaymentsApi = ReturnType<typeof paymentsApi>;
