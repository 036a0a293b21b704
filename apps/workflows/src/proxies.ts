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
