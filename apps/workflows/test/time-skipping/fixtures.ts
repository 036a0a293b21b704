/**
 * What each process reads and the activities it calls, answering as on a good day; a test
 * replaces only the functions its rule is about. Used by the time-skipping tests and by the
 * recorder of the replay histories.
 */
import type { UndoRefundPart } from '@cancelflow/domain/undo-cancellation';
import type { MockActivities } from './environment.ts';
import type { CancellationContext, OrderActivities, PaymentActivities, RefundOutcome } from '../../src/contracts/cancellation.ts';
import type {
  CancelledButShippedContext,
  CancelledButShippedNotificationActivities,
  CancelledButShippedOrderActivities,
  CancelledButShippedPaymentActivities,
} from '../../src/contracts/cancelled-but-shipped.ts';
import type { CancellationRequestActivities, CancellationRequestContext } from '../../src/contracts/customer-cancellation-request.ts';
import type { NotificationActivities } from '../../src/contracts/notifications.ts';
import type { PaymentRequestView, UndoContext, UndoOrderActivities, UndoPaymentActivities } from '../../src/contracts/undo-cancellation.ts';
import type { BulkCancellationActivities, BulkItemOutcome } from '../../src/contracts/bulk-cancellation.ts';

const customer = { email: 'ada@example.com', name: 'Ada Lovelace' };

const emails = (over: Partial<NotificationActivities> = {}): NotificationActivities => ({
  sendEmail: async ({ messageKey }) => ({ messageId: `<${messageKey}@cancelflow.test>` }),
  ...over,
});

// ------------------------------------------------------------------------------------------
// The cancellation

export const cancellationContext = (cancellationId: string, over: Partial<CancellationContext> = {}): CancellationContext => ({
  cancellationId,
  orderId: 'order-1',
  merchantId: 'merchant-1',
  channel: 'webshop',
  channelOrderNo: 'WEB-1001',
  thirdPartyManaged: false,
  currency: 'EUR',
  amount: 5500,
  refundMethod: 'ORIGINAL_PAYMENT',
  restock: true,
  reason: 'CUSTOMER_REQUEST',
  customer,
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'SKU-1', quantity: 1, unitPrice: 5500 }],
  payments: [{ method: 'CARD', amount: 5500, reference: 'pay-1' }],
  ...over,
});

export const refund = (status: RefundOutcome['status'], failureReason?: string): RefundOutcome => ({
  refundId: 'refund-1',
  status,
  ...(failureReason ? { failureReason } : {}),
  parts: [{ channel: 'CARD', amount: 5500, status }],
});

export interface CancellationMocks {
  orders?: Partial<OrderActivities>;
  payments?: Partial<PaymentActivities>;
  notifications?: Partial<NotificationActivities>;
}

export function cancellationActivities(cancellation: CancellationContext, mocks: CancellationMocks = {}): MockActivities {
  const orders: OrderActivities = {
    loadCancellation: async () => cancellation,
    restockCancellation: async () => undefined,
    notifyChannelOfCancellation: async () => ({ skipped: 'OWN_SHOP' }),
    recordRefund: async () => undefined,
    completeCancellation: async () => undefined,
    recordCustomerNotified: async () => undefined,
    recordCancellationStep: async () => undefined,
    ...mocks.orders,
  };
  const payments: PaymentActivities = {
    recordOrderPayments: async () => undefined,
    requestRefund: async () => refund('SUCCEEDED'),
    getRefund: async () => refund('SUCCEEDED'),
    // Asked only while a refund is pending with nothing heard; on a good day it is not.
    reconcileRefund: async () => refund('SUCCEEDED'),
    ...mocks.payments,
  };
  return { orders, payments, notifications: emails(mocks.notifications) };
}

// ------------------------------------------------------------------------------------------
// The customer's cancellation request

export const requestContext = (requestId: string, over: Partial<CancellationRequestContext> = {}): CancellationRequestContext => ({
  requestId,
  orderId: 'order-2',
  merchantId: 'merchant-1',
  channelOrderNo: 'WEB-1002',
  source: 'CUSTOMER_SELF_SERVICE',
  status: 'REQUESTED',
  reason: 'CUSTOMER_REQUEST',
  comment: 'ordered twice',
  customer,
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'SKU-2', quantity: 2 }],
  createdAt: '2026-12-01T09:00:00.000Z',
  ...over,
});

export interface RequestMocks {
  requests?: Partial<CancellationRequestActivities>;
  notifications?: Partial<NotificationActivities>;
}

export function requestActivities(request: CancellationRequestContext, mocks: RequestMocks = {}): MockActivities {
  const orders: CancellationRequestActivities = {
    loadCancellationRequest: async () => request,
    acceptCancellationRequest: async () => ({
      cancellationId: 'cancellation-from-request',
      workflowId: 'cancellation-cancellation-from-request',
    }),
    rejectCancellationRequest: async () => ({ returnInstead: false }),
    withdrawCancellationRequest: async () => undefined,
    recordCancellationRequestEvent: async () => undefined,
    ...mocks.requests,
  };
  return { orders, notifications: emails(mocks.notifications) };
}

// ------------------------------------------------------------------------------------------
// Cancelled but shipped

export const cancelledButShippedContext = (
  cancelledButShippedId: string,
  over: Partial<CancelledButShippedContext> = {},
): CancelledButShippedContext => ({
  cancelledButShippedId,
  shipmentId: 'shipment-1',
  orderId: 'order-3',
  merchantId: 'merchant-1',
  channel: 'webshop',
  channelOrderNo: 'WEB-1003',
  currency: 'EUR',
  amount: 2500,
  carrier: 'DHL',
  trackingNumber: 'JJD000390007',
  shippedAt: '2026-12-01T10:00:00.000Z',
  customer,
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'SKU-3', quantity: 1, unitPrice: 2500 }],
  cancellationIds: ['cancellation-3'],
  ...over,
});

export interface CancelledButShippedMocks {
  orders?: Partial<CancelledButShippedOrderActivities>;
  payments?: Partial<CancelledButShippedPaymentActivities>;
  notifications?: Partial<CancelledButShippedNotificationActivities & NotificationActivities>;
}

export function cancelledButShippedActivities(
  cancelledButShipped: CancelledButShippedContext,
  mocks: CancelledButShippedMocks = {},
): MockActivities {
  const orders: CancelledButShippedOrderActivities = {
    loadCancelledButShipped: async () => cancelledButShipped,
    recordCancelledButShippedStep: async () => undefined,
    openReturnForCancelledButShipped: async () => ({ returnId: 'return-1' }),
    ...mocks.orders,
  };
  const payments: CancelledButShippedPaymentActivities = {
    recordCustomerAcknowledgement: async () => ({ acknowledgementId: 'ack-1' }),
    rebillCustomer: async () => ({ rebillId: 'rebill-1', status: 'SUCCEEDED' }),
    issueCreditMemo: async () => ({ creditMemoId: 'memo-1' }),
    ...mocks.payments,
  };
  const notifications: CancelledButShippedNotificationActivities & NotificationActivities = {
    watchReplies: async () => undefined,
    forwardEmailThread: async ({ messageKey }) => ({ messageId: `<${messageKey}@cancelflow.test>` }),
    ...emails(),
    ...mocks.notifications,
  };
  return { orders, payments, notifications };
}

// ------------------------------------------------------------------------------------------
// Undoing a cancellation

export const undoContext = (undoId: string, over: Partial<UndoContext> = {}): UndoContext => ({
  undoId,
  attempt: 1,
  cancellationId: 'cancellation-4',
  cancellationWorkflowId: `cancellation-cancellation-4-${undoId}`,
  cancellationStatus: 'CANCELLED',
  undoStatus: 'IN_PROGRESS',
  orderId: 'order-4',
  channelOrderNo: 'WEB-1004',
  currency: 'EUR',
  reason: 'the customer wants it after all',
  staffId: 'staff-1',
  customer,
  lines: [{ lineId: 'line-1', lineNo: 1, sku: 'SKU-4', quantity: 1, unitPrice: 4000 }],
  amount: 4000,
  whole: true,
  ...over,
});

export const refundPart = (over: Partial<UndoRefundPart> = {}): UndoRefundPart => ({
  partId: 'part-card',
  channel: 'CARD',
  amount: 4000,
  status: 'SUCCEEDED',
  stoppable: false,
  recapturable: true,
  ...over,
});

export const paymentRequest = (status: PaymentRequestView['status'], over: Partial<PaymentRequestView> = {}): PaymentRequestView => ({
  id: 'payment-request-1',
  undoId: 'undo',
  round: 1,
  orderId: 'order-4',
  amount: 4000,
  currency: 'EUR',
  status,
  dueAt: '2026-12-09T00:00:00.000Z',
  paidAt: status === 'PAID' ? '2026-12-03T00:00:00.000Z' : null,
  ...over,
});

export interface UndoMocks {
  orders?: Partial<UndoOrderActivities>;
  payments?: Partial<UndoPaymentActivities>;
  notifications?: Partial<NotificationActivities>;
}

export function undoActivities(undo: UndoContext, parts: UndoRefundPart[], mocks: UndoMocks = {}): MockActivities {
  const orders: UndoOrderActivities = {
    loadUndo: async () => undo,
    recordUndoStep: async () => undefined,
    stopCancellationProcess: async () => ({ outcome: 'STOPPED', phase: 'WAITING_FOR_REFUND' }),
    awaitCancellationCompleted: async () => undefined,
    reopenCancellation: async () => ({ lines: undo.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })) }),
    reverseRestock: async () => ({ reversed: true }),
    notifyChannelOfUndo: async () => ({ skipped: 'OWN_SHOP' }),
    failUndo: async () => undefined,
    ...mocks.orders,
  };
  const payments: UndoPaymentActivities = {
    assessUndoMoney: async () => parts,
    takeBackLedger: async () => undefined,
    restoreLedger: async () => ({ restored: 0 }),
    stopRefundPart: async () => ({ stopped: true }),
    recapture: async () => ({ recaptured: true, recaptureId: 'recapture-1' }),
    requestPayment: async ({ amount, round, dueAt }) => ({ ...paymentRequest('OPEN'), amount, round, dueAt }),
    getPaymentRequest: async () => paymentRequest('OPEN'),
    // The provider knows of no payment our record has not heard of.
    reconcilePaymentRequest: async () => paymentRequest('OPEN'),
    expirePaymentRequest: async () => paymentRequest('EXPIRED'),
    ...mocks.payments,
  };
  return { orders, payments, notifications: emails(mocks.notifications) };
}

// ------------------------------------------------------------------------------------------
// The bulk cancellation job

export interface BulkJobStore {
  activities: MockActivities;
  /** Each item's recorded outcome, as the order service keeps it. */
  outcomes: Map<number, BulkItemOutcome>;
  /** How many cancellations were made per item (never more than one). */
  made: Map<number, number>;
  /** The statuses the job's record was given, in order. */
  statuses: string[];
  /** Items being cancelled right now, and the most at once. */
  inFlight: () => number;
  maxInFlight: () => number;
}

/**
 * An order service of `itemCount` orders that keeps outcomes as the real one does: an item with
 * an outcome returns it, a cancellation is made once. `decide` says what happens to each order
 * (an Error: the attempt fails); `gate`, when given, holds every attempt until it resolves.
 */
export function bulkJobStore(
  itemCount: number,
  decide: (itemNo: number) => BulkItemOutcome | Error = (itemNo) => ({ outcome: 'CANCELLED', cancellationId: `c-${itemNo}` }),
  gate?: () => Promise<void>,
): BulkJobStore {
  const outcomes = new Map<number, BulkItemOutcome>();
  const made = new Map<number, number>();
  const statuses: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const orders: BulkCancellationActivities = {
    loadBulkCancellation: async (jobId) => ({ jobId, merchantId: 'merchant-1', itemCount }),
    cancelBulkCancellationItem: async ({ itemNo }) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (gate) await gate();
        const known = outcomes.get(itemNo);
        if (known) return known;
        const decided = decide(itemNo);
        if (decided instanceof Error) throw decided;
        if (decided.outcome === 'CANCELLED') made.set(itemNo, (made.get(itemNo) ?? 0) + 1);
        outcomes.set(itemNo, decided);
        return decided;
      } finally {
        inFlight -= 1;
      }
    },
    failBulkCancellationItem: async ({ itemNo, detail }) => {
      const known = outcomes.get(itemNo) ?? { outcome: 'FAILED' as const, detail };
      outcomes.set(itemNo, known);
      return known;
    },
    recordBulkCancellationStatus: async ({ status }) => {
      statuses.push(status);
    },
  };
  return { activities: { orders }, outcomes, made, statuses, inFlight: () => inFlight, maxInFlight: () => maxInFlight };
}
