import type { Cancellation, OrderDetail } from '../../api/index.ts';

/** Still moving: a cancellation IN_PROGRESS, or just CANCELLED with the customer's email still to go. */
export const isSettling = (c: Cancellation, now = Date.now()): boolean =>
  c.status === 'IN_PROGRESS' ||
  (c.status === 'CANCELLED' &&
    !c.steps.some((s) => s.step === 'CUSTOMER_NOTIFIED') &&
    c.completedAt !== undefined &&
    now - Date.parse(c.completedAt) < 60_000);

export const hasRunningCancellation = (order: OrderDetail): boolean => order.cancellations.some((c) => isSettling(c));

/** Changes whenever a cancellation moves: the payments and emails reload then. */
export const progressStamp = (order: OrderDetail): string =>
  order.cancellations.map((c) => `${c.id}:${c.status}:${c.refundStatus ?? ''}:${c.steps.length}`).join('|');
