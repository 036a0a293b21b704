import { ApplicationFailure } from '@temporalio/common';
import { ACTIVITY_FAILURES, isUuid } from '@cancelflow/domain';
import { failingForGood } from '@cancelflow/service-kit';
import type { BulkCancellationActivities } from '@cancelflow/workflows/contracts/bulk-cancellation';
import { cancelBulkItem, loadBulkJob, recordBulkStatus, settle } from '../bulk-cancellations/cancel-item.ts';
import type { ServiceDeps } from '../deps.ts';

/**
 * The order service's side of a bulk cancellation job, idempotent on job and item. A broken
 * rule fails for good; an unreachable Temporal or database is retried.
 */
export function createBulkCancellationActivities(deps: ServiceDeps): BulkCancellationActivities {
  return {
    loadBulkCancellation: async (jobId) => {
      if (!isUuid(jobId))
        throw ApplicationFailure.nonRetryable(`${jobId} is not a bulk cancellation id`, ACTIVITY_FAILURES.bulkCancellationNotFound);
      const job = await loadBulkJob(deps, jobId);
      // The process starts a moment before the request that records the job commits: try again.
      if (!job)
        throw ApplicationFailure.retryable(`bulk cancellation ${jobId} does not exist (yet)`, ACTIVITY_FAILURES.bulkCancellationNotFound);
      return job;
    },
    cancelBulkCancellationItem: ({ jobId, itemNo }) => failingForGood(() => cancelBulkItem(deps, jobId, itemNo)),
    failBulkCancellationItem: ({ jobId, itemNo, detail }) => failingForGood(() => settle(deps, jobId, itemNo, 'FAILED', detail)),
    recordBulkCancellationStatus: ({ jobId, status, by }) => failingForGood(() => recordBulkStatus(deps, jobId, status, by)),
  };
}
