import type { Channel } from '@cancelflow/domain/channel-policies';
import type { OrderStatus } from '@cancelflow/domain/order';
import type { Transport } from './http.ts';
import type {
  Cancellation,
  CancellationStarted,
  CreateCancellationBody,
  Dispute,
  DisputeResolution,
  Eligibility,
  OrderDetail,
  OrderList,
  OrderSummary,
} from './types.ts';

export interface CancellationRequestBody {
  source: 'CUSTOMER_SELF_SERVICE' | 'CUSTOMER_CONTACT' | 'MARKETPLACE';
  lines: { lineId: string; quantity: number }[];
  reason: string;
  comment?: string;
}

export interface OrderListFilter {
  status?: OrderStatus | '';
  channel?: Channel | '';
  q?: string;
  limit?: number;
  offset?: number;
}

const id = (value: string) => encodeURIComponent(value);

/** The order service (proxied at /api/orders). */
export function ordersApi(t: Transport) {
  return {
    list: (filter: OrderListFilter, signal?: AbortSignal) =>
      t.request<OrderList>('GET', '/orders', { query: { ...filter }, ...(signal ? { signal } : {}) }),
    get: (orderId: string) => t.request<OrderDetail>('GET', `/orders/${id(orderId)}`),
    acknowledge: (orderId: string) => t.request<OrderSummary>('POST', `/orders/${id(orderId)}/acknowledge`, { body: {} }),
    eligibility: (orderId: string) => t.request<Eligibility>('GET', `/orders/${id(orderId)}/cancellation-eligibility`),
    createCancellation: (orderId: string, body: CreateCancellationBody) =>
      t.request<CancellationStarted>('POST', `/orders/${id(orderId)}/cancellations`, { body }),
    getCancellation: (cancellationId: string) => t.request<Cancellation>('GET', `/cancellations/${id(cancellationId)}`),
    retryRefund: (cancellationId: string, body: { staffId: string; note?: string }) =>
      t.request<{ cancellationId: string; workflowId: string; attempt: number }>(
        'POST',
        `/cancellations/${id(cancellationId)}/retry-refund`,
        { body },
      ),
    closeDispute: (disputeId: string, body: { resolution: DisputeResolution; note?: string }) =>
      t.request<Dispute>('POST', `/disputes/${id(disputeId)}/close`, { body }),
    /**
     * Issue 3 (not served yet: until then the order service answers 404 and the page says so).
     * Accept/reject/withdraw, shipments (/orders/:id/shipments) and undo (/cancellations/:id/undo)
     * slot in beside it.
     */
    requestCancellation: (orderId: string, body: CancellationRequestBody) =>
      t.request<unknown>('POST', `/orders/${id(orderId)}/cancellation-requests`, { body }),
  };
}
export type OrdersApi = ReturnType<typeof ordersApi>;
