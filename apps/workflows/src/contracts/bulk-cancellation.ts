/**
 * The bulk cancellation job: everything a caller of the process needs, in one module — its
 * workflow type and id, input, state, updates and query, and the activities it asks of the order
 * service. Names are part of the API of running workflows: never rename one.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  BulkCancellationOutcome,
  BulkCancellationProcessState,
  BulkCancellationProgress,
  BulkCancellationStatus,
} from '@cancelflow/domain';

export { bulkCancellationWorkflowId } from '@cancelflow/domain/bulk-cancellation';
export type { BulkCancellationProcessState, BulkCancellationProgress } from '@cancelflow/domain';

export const BULK_CANCELLATION_WORKFLOW_TYPE = 'bulkCancellationWorkflow';

/** How many orders are handled at once, unless the job says otherwise. */
export const DEFAULT_BULK_CONCURRENCY = 8;
/** How many orders one run handles before it continues as new (a history stays small). */
export const DEFAULT_ITEMS_PER_RUN = 500;

export interface BulkCancellationInput {
  jobId: string;
  concurrency?: number;
  itemsPerRun?: number;
  /** Where the previous run left off, when the job continued as new. */
  carried?: {
    next: number;
    paused: boolean;
    /** The status the job's record has. */
    recorded: BulkCancellationStatus;
    progress: BulkCancellationProgress;
    run: number;
  };
}

export interface BulkCancellationResult {
  status: Extract<BulkCancellationStatus, 'STOPPED' | 'COMPLETED'>;
  progress: BulkCancellationProgress;
}

/** The merchant pauses the job: orders being cancelled finish, no new one starts. Refused once it stops. */
export const pauseBulkCancellationUpdate = defineUpdate<BulkCancellationProcessState, [{ staffId?: string }]>('pauseBulkCancellation');

/** The merchant resumes a paused job. Refused unless it is paused. */
export const resumeBulkCancellationUpdate = defineUpdate<BulkCancellationProcessState, [{ staffId?: string }]>('resumeBulkCancellation');

/**
 * The merchant stops the job: orders being cancelled finish, the rest are left as they are and
 * the job ends STOPPED. Answered once nothing of the job is in flight any more.
 */
export const stopBulkCancellationUpdate = defineUpdate<BulkCancellationProcessState, [{ staffId?: string }]>('stopBulkCancellation');

export const bulkCancellationStateQuery = defineQuery<BulkCancellationProcessState>('bulkCancellationState');

// The activities the job asks of the order service (types only; each idempotent on job and item).

export interface BulkCancellationJob {
  jobId: string;
  merchantId: string;
  itemCount: number;
}

export interface BulkItemOutcome {
  outcome: BulkCancellationOutcome;
  cancellationId?: string;
  detail?: string;
}

export interface BulkCancellationActivities {
  /** Reads the job; fails for good when it does not exist. */
  loadBulkCancellation(jobId: string): Promise<BulkCancellationJob>;
  /**
   * Runs the normal cancellation for one order of the job (the channel's rules apply), or records
   * why not. Idempotent: an item with an outcome returns it, an item whose cancellation exists
   * (the cancellation number derives from job and item) is found, never made twice.
   */
  cancelBulkCancellationItem(input: { jobId: string; itemNo: number }): Promise<BulkItemOutcome>;
  /** Records FAILED for an item no retry got past, unless it has an outcome already (which it returns). */
  failBulkCancellationItem(input: { jobId: string; itemNo: number; detail: string }): Promise<BulkItemOutcome>;
  /** Records the job's status (RUNNING, PAUSED, STOPPED, COMPLETED). */
  recordBulkCancellationStatus(input: { jobId: string; status: BulkCancellationStatus; by?: string }): Promise<void>;
}
