import type { Transport } from './http.ts';
import type { EmailList, InboundReplyList } from './types.ts';

/** The notification service (proxied at /api/notifications). */
export function notificationsApi(t: Transport) {
  return {
    emailsForOrder: (orderId: string) => t.request<EmailList>('GET', '/emails', { query: { orderId, limit: 50 } }),
    /** Replies under the order that do not count as the customer's word: for support to judge (SUPPORT and SERVICE only). */
    undecidedReplies: (orderId: string) =>
      t.request<InboundReplyList>('GET', '/replies', { query: { orderId, status: 'UNDECIDED', limit: 50 } }),
  };
}
export type NotificationsApi = ReturnType<typeof notificationsApi>;
