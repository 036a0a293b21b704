import type { Channel } from '@cancelflow/domain/channel-policies';
import type { OrderStatus } from '@cancelflow/domain/order';
import type { Transport } from './http.ts';
import type {
  AcceptRequestBody,
  ApiKey,
  ApiKeyCreated,
  CreateWebhookSubscriptionBody,
  RedeliverWebhookEventsBody,
  UpdateWebhookSubscriptionBody,
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionCreated,
  AcceptedRequest,
  CancellationRequestCreatedAnswer,
  AcknowledgementRecorded,
  RebillApproved,
  RejectedRequest,
  RetryRefundAnswer,
  CancellationRequest,
  CancellationRequestList,
  CancellationRequestStatus,
  CancelledButShippedBody,
  CancelledButShippedPage,
  CreateShipmentBody,
  SelfServiceAcknowledgementBody,
  SelfServiceOrder,
  ShipmentRecorded,
  Undo,
  UndoStarted,
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
  /** 'true': only orders with a request waiting for the merchant. */
  cancellationRequested?: 'true' | 'false' | '';
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
    /** With `lines`, its refundPreview is what cancelling those quantities would refund. */
    eligibility: (orderId: string, lines?: readonly { lineId: string; quantity: number }[], signal?: AbortSignal) =>
      t.request<Eligibility>('GET', `/orders/${id(orderId)}/cancellation-eligibility`, {
        ...(lines && lines.length > 0 ? { query: { lines: lines.map((l) => `${l.lineId}:${l.quantity}`).join(',') } } : {}),
        ...(signal ? { signal } : {}),
      }),
    createCancellation: (orderId: string, body: CreateCancellationBody) =>
      t.request<CancellationStarted>('POST', `/orders/${id(orderId)}/cancellations`, { body }),
    getCancellation: (cancellationId: string) => t.request<Cancellation>('GET', `/cancellations/${id(cancellationId)}`),
    retryRefund: (cancellationId: string, body: { staffId: string; note?: string }) =>
      t.request<RetryRefundAnswer>('POST', `/cancellations/${id(cancellationId)}/retry-refund`, { body }),
    closeDispute: (disputeId: string, body: { resolution: DisputeResolution; note?: string }) =>
      t.request<Dispute>('POST', `/disputes/${id(disputeId)}/close`, { body }),
    requestCancellation: (orderId: string, body: CancellationRequestBody) =>
      t.request<CancellationRequestCreatedAnswer>('POST', `/orders/${id(orderId)}/cancellation-requests`, { body }),

    // the merchant's queue of customers' requests.
    listRequests: (filter: { status?: CancellationRequestStatus | ''; orderId?: string; limit?: number; offset?: number }) =>
      t.request<CancellationRequestList>('GET', '/cancellation-requests', { query: { ...filter } }),
    getRequest: (requestId: string) => t.request<CancellationRequest>('GET', `/cancellation-requests/${id(requestId)}`),
    acceptRequest: (requestId: string, body: AcceptRequestBody) =>
      t.request<AcceptedRequest>('POST', `/cancellation-requests/${id(requestId)}/accept`, { body }),
    rejectRequest: (requestId: string, body: { staffId: string; reason: string }) =>
      t.request<RejectedRequest>('POST', `/cancellation-requests/${id(requestId)}/reject`, { body }),

    // shipments and cancelled-but-shipped processes.
    createShipment: (orderId: string, body: CreateShipmentBody) =>
      t.request<ShipmentRecorded>('POST', `/orders/${id(orderId)}/shipments`, { body }),
    listCancelledButShipped: (filter: { status?: string; orderId?: string; limit?: number; offset?: number }) =>
      t.request<CancelledButShippedPage>('GET', '/cancelled-but-shipped', { query: { ...filter } }),
    getCancelledButShipped: (cancelledButShippedId: string) =>
      t.request<CancelledButShippedBody>('GET', `/cancelled-but-shipped/${id(cancelledButShippedId)}`),
    recordAcknowledgement: (cancelledButShippedId: string, body: { staffId: string; accepted: boolean; evidence: string }) =>
      t.request<AcknowledgementRecorded>('POST', `/cancelled-but-shipped/${id(cancelledButShippedId)}/acknowledgement`, { body }),
    approveRebill: (cancelledButShippedId: string, body: { staffId: string }) =>
      t.request<RebillApproved>('POST', `/cancelled-but-shipped/${id(cancelledButShippedId)}/rebill-approval`, { body }),

    // undoing a cancellation (the money comes back first).
    undoCancellation: (cancellationId: string, body: { staffId: string; reason: string }) =>
      t.request<UndoStarted>('POST', `/cancellations/${id(cancellationId)}/undo`, { body }),
    /** The latest undo of a cancellation; 404 when it was never undone. */
    getUndoOf: (cancellationId: string) => t.request<Undo>('GET', `/cancellations/${id(cancellationId)}/undo`),

    // The merchant's keys for the Merchant API v2 (ChannelEngine-compatible).
    listApiKeys: () => t.request<{ items: ApiKey[] }>('GET', '/api-keys'),
    createApiKey: (body: { name: string }) => t.request<ApiKeyCreated>('POST', '/api-keys', { body }),
    revokeApiKey: (keyId: string) => t.request<ApiKey>('DELETE', `/api-keys/${id(keyId)}`),

    // The merchant's webhook subscriptions and their delivery logs.
    listWebhookSubscriptions: () => t.request<{ items: WebhookSubscription[] }>('GET', '/webhook-subscriptions'),
    createWebhookSubscription: (body: CreateWebhookSubscriptionBody) =>
      t.request<WebhookSubscriptionCreated>('POST', '/webhook-subscriptions', { body }),
    updateWebhookSubscription: (subscriptionId: string, body: UpdateWebhookSubscriptionBody) =>
      t.request<WebhookSubscription>('PATCH', `/webhook-subscriptions/${id(subscriptionId)}`, { body }),
    deleteWebhookSubscription: (subscriptionId: string) =>
      t.request<WebhookSubscription>('DELETE', `/webhook-subscriptions/${id(subscriptionId)}`),
    listWebhookDeliveries: (subscriptionId: string, query: { status?: string; limit?: number } = {}) =>
      t.request<{ items: WebhookDelivery[]; total: number; limit: number; offset: number }>(
        'GET',
        `/webhook-subscriptions/${id(subscriptionId)}/deliveries`,
        { query },
      ),
    redeliverWebhookEvents: (subscriptionId: string, body: RedeliverWebhookEventsBody) =>
      t.request<{ deliveries: WebhookDelivery[] }>('POST', `/webhook-subscriptions/${id(subscriptionId)}/redeliveries`, { body }),

    // The customer's self-service (the order-scoped token of the email link, sent as ?token=).
    selfService: {
      get: (orderId: string, token: string) =>
        t.request<SelfServiceOrder>('GET', `/self-service/orders/${id(orderId)}`, { query: { token } }),
      requestCancellation: (orderId: string, token: string, body: Omit<CancellationRequestBody, 'source'>) =>
        t.request<CancellationRequestCreatedAnswer>('POST', `/self-service/orders/${id(orderId)}/cancellation-requests`, {
          query: { token },
          body,
        }),
      acknowledge: (cancelledButShippedId: string, token: string, body: SelfServiceAcknowledgementBody) =>
        t.request<AcknowledgementRecorded>('POST', `/self-service/cancelled-but-shipped/${id(cancelledButShippedId)}/acknowledgement`, {
          query: { token },
          body,
        }),
    },
  };
}
export type OrdersApi = ReturnType<typeof ordersApi>;
