/**
 * The bulk cancellation job: the orders of the job one after the other, a few at a time, each
 * through the normal cancellation (the order service reserves it under the order's lock with the
 * channel's rules and starts its process), until every order has an outcome or the merchant stops
 * it. Pausing lets the orders under way finish and starts no new one. A large job continues as
 * new every few hundred orders, carrying where it is; every outcome is recorded with its
 * cancellation, so running the job again cancels and refunds nothing twice.
 */
import { ActivityFailure, allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BulkCancellationStatus } from '@cancelflow/domain/bulk-cancellation';
import {
  bulkCancellationStateQuery,
  DEFAULT_BULK_CONCURRENCY,
  DEFAULT_ITEMS_PER_RUN,
  pauseBulkCancellationUpdate,
  resumeBulkCancellationUpdate,
  stopBulkCancellationUpdate,
  type BulkCancellationInput,
  type BulkCancellationProcessState,
  type BulkCancellationProgress,
  type BulkCancellationResult,
  type BulkItemOutcome,
} from './contracts/bulk-cancellation.ts';
import { bulkItems, bulkJobs, bulkLoader } from './proxies.ts';

export async function bulkCancellationWorkflow(input: BulkCancellationInput): Promise<BulkCancellationResult> {
  const { jobId, carried } = input;
  const concurrency = Math.max(1, Math.floor(input.concurrency ?? DEFAULT_BULK_CONCURRENCY));
  const itemsPerRun = Math.max(1, Math.floor(input.itemsPerRun ?? DEFAULT_ITEMS_PER_RUN));
  const state: BulkCancellationProcessState = {
    jobId,
    phase: 'STARTING',
    progress: carried?.progress ?? { total: 0, processed: 0, cancelled: 0, refused: 0, skipped: 0, failed: 0 },
    run: (carried?.run ?? 0) + 1,
  };
  let paused = carried?.paused ?? false;
  let stop: { staffId?: string } | undefined;
  let lanesDone = false;
  let next = carried?.next ?? 1;
  /** The status the merchant asked for last, and the one the job's record has. */
  let wanted: { status: BulkCancellationStatus; by?: string } = { status: paused ? 'PAUSED' : 'RUNNING' };
  let recorded: BulkCancellationStatus = carried?.recorded ?? 'RUNNING';
  let itemCount = Number.POSITIVE_INFINITY;

  const showPhase = (): void => {
    if (state.phase === 'STOPPED' || state.phase === 'COMPLETED') return;
    state.phase = stop ? 'STOPPING' : paused ? 'PAUSED' : state.phase === 'STARTING' ? 'STARTING' : 'RUNNING';
  };
  const refuseOnceStopping = (): void => {
    if (stop) throw new Error('the job is stopping: it can no longer be paused or resumed');
    if (lanesDone && next > itemCount) throw new Error('every order of the job has been handled: there is nothing left to pause or resume');
  };

  setHandler(bulkCancellationStateQuery, () => state);
  setHandler(
    pauseBulkCancellationUpdate,
    ({ staffId }) => {
      if (!paused) wanted = { status: 'PAUSED', ...(staffId ? { by: staffId } : {}) };
      paused = true;
      showPhase();
      return state;
    },
    { validator: (_args) => refuseOnceStopping() },
  );
  setHandler(
    resumeBulkCancellationUpdate,
    ({ staffId }) => {
      if (paused) wanted = { status: 'RUNNING', ...(staffId ? { by: staffId } : {}) };
      paused = false;
      showPhase();
      return state;
    },
    { validator: (_args) => refuseOnceStopping() },
  );
  setHandler(stopBulkCancellationUpdate, async ({ staffId }) => {
    stop ??= staffId ? { staffId } : {};
    showPhase();
    // Answered once no order of the job is being cancelled any more.
    await condition(() => lanesDone);
    return state;
  });

  const job = await bulkLoader.loadBulkCancellation(jobId);
  itemCount = job.itemCount;
  state.progress.total = job.itemCount;
  if (state.phase === 'STARTING') state.phase = 'RUNNING';
  showPhase();

  const runEnd = Math.min(job.itemCount, next + itemsPerRun - 1);
  const runOver = () => next > runEnd || workflowInfo().continueAsNewSuggested;

  const recordStatus = async (): Promise<void> => {
    for (;;) {
      await condition(() => wanted.status !== recorded || lanesDone);
      if (wanted.status === recorded) return;
      const now = wanted;
      await bulkJobs.recordBulkCancellationStatus({ jobId, status: now.status, ...(now.by ? { by: now.by } : {}) });
      recorded = now.status;
    }
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      await condition(() => stop !== undefined || runOver() || !paused);
      if (stop !== undefined || runOver()) return;
      const itemNo = next++;
      tally(await cancelOne(itemNo));
    }
  };

  const recorder = recordStatus();
  await Promise.all(Array.from({ length: concurrency }, lane));
  lanesDone = true;
  await recorder;

  if (!stop && next <= job.itemCount) {
    await condition(allHandlersFinished);
    // A pause or resume during the hand-over is carried; a stop ends the job here.
    if (!stop) {
      return continueAsNew<typeof bulkCancellationWorkflow>({
        ...input,
        carried: { next, paused, recorded, progress: state.progress, run: state.run },
      });
    }
  }
  if (stop) {
    await bulkJobs.recordBulkCancellationStatus({ jobId, status: 'STOPPED', ...(stop.staffId ? { by: stop.staffId } : {}) });
    state.phase = 'STOPPED';
    await condition(allHandlersFinished);
    return { status: 'STOPPED', progress: state.progress };
  }
  await bulkJobs.recordBulkCancellationStatus({ jobId, status: 'COMPLETED' });
  state.phase = 'COMPLETED';
  await condition(allHandlersFinished);
  return { status: 'COMPLETED', progress: state.progress };

  async function cancelOne(itemNo: number): Promise<BulkItemOutcome> {
    try {
      return await bulkItems.cancelBulkCancellationItem({ jobId, itemNo });
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      const detail = error.cause?.message ?? error.message;
      return bulkJobs.failBulkCancellationItem({ jobId, itemNo, detail });
    }
  }

  function tally({ outcome }: BulkItemOutcome): void {
    const p: BulkCancellationProgress = state.progress;
    p.processed += 1;
    if (outcome === 'CANCELLED') p.cancelled += 1;
    else if (outcome === 'REFUSED') p.refused += 1;
    else if (outcome === 'SKIPPED') p.skipped += 1;
    else p.failed += 1;
  }
}
