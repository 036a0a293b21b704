/**
 * One activity proxy per task queue, with the timeouts and retries each service's work needs.
 * Services own their activities; the workflows reach them only through these queues.
 */
import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import {
  TASK_QUEUES,
  type CancellationRequestActivities,
  type NotificationActivities,
  type OrderActivities,
  type PaymentActivities,
} from '@cancelflow/domain/activities';
import type {
  CancelledButShippedNotificationActivities,
  CancelledButShippedOrderActivities,
  CancelledButShippedPaymentActivities,
} from '@cancelflow/domain/cancelled-but-shipped';

const RETRY_FOREVER: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  // Business rules that a retry cannot change come back as these, and stop the retries.
  nonRetryableErrorTypes: ['RuleViolationError', 'ValidationError', 'NotFoundError'],
};

export const orders = proxyActivities<OrderActivities>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});

/**
 * The workflow can start a moment before the HTTP transaction that created the cancellation
 * commits (or that transaction rolls back): a few attempts tell the two apart.
 */
export const cancellationLoader = proxyActivities<Pick<OrderActivities, 'loadCancellation'>>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 8 },
});

export const payments = proxyActivities<PaymentActivities>({
  taskQueue: TASK_QUEUES.payments,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});

export const notifications = proxyActivities<NotificationActivities>({
  taskQueue: TASK_QUEUES.notifications,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});

/**
 * The order service's side of a cancellation request. A decision that the current state refuses
 * (ConflictError: the request was closed meanwhile) fails at once and goes back to whoever asked.
 */
export const requests = proxyActivities<CancellationRequestActivities>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '30 seconds',
  retry: { ...RETRY_FOREVER, nonRetryableErrorTypes: [...RETRY_FOREVER.nonRetryableErrorTypes!, 'ConflictError'] },
});

/** Like cancellationLoader: the request workflow starts a moment before its request commits. */
export const requestLoader = proxyActivities<Pick<CancellationRequestActivities, 'loadCancellationRequest'>>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 8 },
});

/** Process 3, cancelled but shipped: the order service's side (chain steps on the timeline). */
export const chainOrders = proxyActivities<CancelledButShippedOrderActivities>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});

/** Like cancellationLoader: the chain starts a moment before the shipment that made it commits. */
export const chainLoader = proxyActivities<Pick<CancelledButShippedOrderActivities, 'loadCancelledButShipped'>>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 8 },
});

/** Acknowledgement, rebill and credit memo: a refused credit memo (no acknowledgement) fails for good. */
export const chainPayments = proxyActivities<CancelledButShippedPaymentActivities>({
  taskQueue: TASK_QUEUES.payments,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});

export const chainNotifications = proxyActivities<CancelledButShippedNotificationActivities>({
  taskQueue: TASK_QUEUES.notifications,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});

// ---------------------------------------------------------------------------------------------
// Process 4, undoing a cancellation.
import type { UndoOrderActivities, UndoPaymentActivities } from '@cancelflow/domain/undo-cancellation';

/** The order service's side of an undo; stopping the cancellation's process may wait for its current step. */
export const undoOrders = proxyActivities<UndoOrderActivities>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '60 seconds',
  retry: RETRY_FOREVER,
});

/** Like cancellationLoader: the undo workflow starts a moment before the request that made it commits. */
export const undoLoader = proxyActivities<Pick<UndoOrderActivities, 'loadUndo'>>({
  taskQueue: TASK_QUEUES.orders,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 8 },
});

/** The payment service's side of an undo: points/credit already spent fail for good (LedgerSpentError). */
export const undoPayments = proxyActivities<UndoPaymentActivities>({
  taskQueue: TASK_QUEUES.payments,
  startToCloseTimeout: '30 seconds',
  retry: RETRY_FOREVER,
});
