/**
 * The activity proxies of every process, by task queue, with the timeouts and retries each
 * service's work needs. Services own their activities; the workflows reach them only through
 * these queues. A queue's options are written once; a process proxies the interface it uses.
 */
import { proxyActivities, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import type { NotificationActivities, OrderActivities, PaymentActivities } from './contracts/cancellation.ts';
import type { CancellationRequestActivities } from './contracts/customer-cancellation-request.ts';
import type {
  CancelledButShippedNotificationActivities,
  CancelledButShippedOrderActivities,
  CancelledButShippedPaymentActivities,
} from './contracts/cancelled-but-shipped.ts';
import type { UndoOrderActivities, UndoPaymentActivities } from './contracts/undo-cancellation.ts';
import type { BulkCancellationActivities } from './contracts/bulk-cancellation.ts';
import type { WebhookActivities } from './contracts/webhook-delivery.ts';
import { ACTIVITY_FAILURES, NON_RETRYABLE_FAILURES } from '@cancelflow/domain/activity-failures';

const RETRY_FOREVER: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  // Business rules that a retry cannot change come back as these, and stop the retries.
  nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURES],
};

const queue = (taskQueue: string, startToCloseTimeout: ActivityOptions['startToCloseTimeout'] = '30 seconds'): ActivityOptions => ({
  taskQueue,
  startToCloseTimeout,
  retry: RETRY_FOREVER,
});

const ORDERS = queue(TASK_QUEUES.orders);
const PAYMENTS = queue(TASK_QUEUES.payments);
const NOTIFICATIONS = queue(TASK_QUEUES.notifications);

/**
 * Every process starts a moment before the HTTP transaction that created its record commits (or
 * that transaction rolls back): loading it gets a few attempts, which tell the two apart.
 */
const LOADS_BEFORE_COMMIT: ActivityOptions = {
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 8 },
};

// The cancellation.
export const orders = proxyActivities<OrderActivities>(ORDERS);
export const cancellationLoader = proxyActivities<Pick<OrderActivities, 'loadCancellation'>>(LOADS_BEFORE_COMMIT);
export const payments = proxyActivities<PaymentActivities>(PAYMENTS);
export const notifications = proxyActivities<NotificationActivities>(NOTIFICATIONS);

// The customer cancellation request. A decision that the current state refuses
// (ConflictError: the request was closed meanwhile) fails at once and goes back to whoever asked.
export const requests = proxyActivities<CancellationRequestActivities>({
  ...ORDERS,
  retry: { ...RETRY_FOREVER, nonRetryableErrorTypes: [...RETRY_FOREVER.nonRetryableErrorTypes!, ACTIVITY_FAILURES.conflict] },
});
export const requestLoader = proxyActivities<Pick<CancellationRequestActivities, 'loadCancellationRequest'>>(LOADS_BEFORE_COMMIT);

// Cancelled but shipped. A refused credit memo (no acknowledgement) fails for good.
export const cancelledButShippedOrders = proxyActivities<CancelledButShippedOrderActivities>(ORDERS);
export const cancelledButShippedLoader =
  proxyActivities<Pick<CancelledButShippedOrderActivities, 'loadCancelledButShipped'>>(LOADS_BEFORE_COMMIT);
export const cancelledButShippedPayments = proxyActivities<CancelledButShippedPaymentActivities>(PAYMENTS);
export const cancelledButShippedNotifications = proxyActivities<CancelledButShippedNotificationActivities>(NOTIFICATIONS);

// Undoing a cancellation. Stopping the cancellation's process may wait for its
// current step; points or credit already spent fail for good (LedgerSpentError).
export const undoOrders = proxyActivities<UndoOrderActivities>(queue(TASK_QUEUES.orders, '60 seconds'));
export const undoLoader = proxyActivities<Pick<UndoOrderActivities, 'loadUndo'>>(LOADS_BEFORE_COMMIT);
export const undoPayments = proxyActivities<UndoPaymentActivities>(PAYMENTS);

// The bulk cancellation job. One order's cancellation that keeps failing is recorded as FAILED
// after its attempts, and the job goes on with the next order.
export const bulkJobs = proxyActivities<BulkCancellationActivities>(ORDERS);
export const bulkLoader = proxyActivities<Pick<BulkCancellationActivities, 'loadBulkCancellation'>>(LOADS_BEFORE_COMMIT);
export const bulkItems = proxyActivities<Pick<BulkCancellationActivities, 'cancelBulkCancellationItem'>>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '60 seconds',
  retry: { ...RETRY_FOREVER, maximumAttempts: 8 },
});
// Outbound webhooks. One attempt is one POST (its timeout well inside the activity's): a failed
// answer comes back as an outcome and the process waits and retries on its own schedule; only a
// lost worker or database is retried here (a lost worker within the heartbeat timeout).
export const webhooks = proxyActivities<WebhookActivities>({ ...queue(TASK_QUEUES.webhooks, '1 minute'), heartbeatTimeout: '10 seconds' });
