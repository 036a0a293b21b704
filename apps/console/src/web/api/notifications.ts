import type { Transport } from './http.ts';
import type { EmailList } from './types.ts';

/** The notification service (proxied at /api/notifications). */
export function notificationsApi(t: Transport) {
  return {
    emailsForOrder: (orderId: string) => t.request<EmailList>('GET', '/emails', { query: { orderId, limit: 50 } }),
  };
}
export type NotificationsApi = ReturnType<typeof notificationsApi>;
