import { bulkCancellationsApi, fileFetcher, type BulkCancellationsApi } from './bulk-cancellations.ts';
import { createTransport, type ApiError } from './http.ts';
import { notificationsApi, type NotificationsApi } from './notifications.ts';
import { ordersApi, type OrdersApi } from './orders.ts';
import { paymentsApi, type PaymentsApi } from './payments.ts';

export interface Api {
  orders: OrdersApi;
  payments: PaymentsApi;
  notifications: NotificationsApi;
  bulkCancellations: BulkCancellationsApi;
}

export interface ApiOptions {
  token: () => string | null;
  onUnauthorized?: (error: ApiError) => void;
  /** Where the console server is; '' for the same origin. */
  origin?: string;
  fetch?: typeof fetch;
}

export function createApi(options: ApiOptions): Api {
  const transport = (prefix: string) =>
    createTransport({
      baseUrl: `${options.origin ?? ''}/api/${prefix}`,
      token: options.token,
      ...(options.onUnauthorized ? { onUnauthorized: options.onUnauthorized } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  return {
    orders: ordersApi(transport('orders')),
    payments: paymentsApi(transport('payments')),
    notifications: notificationsApi(transport('notifications')),
    bulkCancellations: bulkCancellationsApi(
      transport('orders'),
      fileFetcher({
        baseUrl: `${options.origin ?? ''}/api/orders`,
        token: options.token,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ),
  };
}

export { ApiError } from './http.ts';
export * from './types.ts';
export type { BulkCancellation, BulkCancellationDryRun, BulkCancellationPage, StartBulkCancellationBody } from './bulk-cancellations.ts';
