// The bulk cancellation job alone: the order service's activities mocked (keeping outcomes as the
// real one does), the clock skipped.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { bulkCancellationWorkflow } from '../../src/bulk-cancellation.ts';
import {
  bulkCancellationStateQuery,
  bulkCancellationWorkflowId,
  pauseBulkCancellationUpdate,
  resumeBulkCancellationUpdate,
  stopBulkCancellationUpdate,
  type BulkCancellationInput,
} from '../../src/contracts/bulk-cancellation.ts';
import { bulkJobStore } from './fixtures.ts';
import { startTimeSkippingEnvironment, until, type TimeSkippingEnvironment } from './environment.ts';

let env: TimeSkippingEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const start = (jobId: string, options: Omit<BulkCancellationInput, 'jobId'> = {}) =>
  env.workflow.start(bulkCancellationWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: bulkCancellationWorkflowId(jobId),
    args: [{ jobId, ...options }],
  });

/** A gate the test opens: every attempt waits at it until then. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open: () => open() };
}

describe('a bulk job runs every order once, a few at a time, continuing as new on large jobs', () => {
  it('handles 1,000 orders with their outcomes, never more than the concurrency at once, in runs of 250', async () => {
    const store = bulkJobStore(1_000, (itemNo) => {
      if (itemNo === 500) return new Error('the database is gone');
      if (itemNo % 10 === 0) return { outcome: 'REFUSED', detail: 'walmart cancels whole lines only' };
      if (itemNo % 7 === 0) return { outcome: 'SKIPPED', detail: 'no unit of MUG is open: 1 shipped, 0 already cancelled' };
      return { outcome: 'CANCELLED', cancellationId: `c-${itemNo}` };
    });
    const calls = await env.activities(store.activities);
    const handle = await start(randomUUID(), { concurrency: 8, itemsPerRun: 250 });
    const result = await handle.result();

    const refused = 100 - 1; // every tenth, but the 500th failed
    const skipped = [...Array(1_000).keys()].map((i) => i + 1).filter((n) => n % 7 === 0 && n % 10 !== 0).length;
    expect(result).toEqual({
      status: 'COMPLETED',
      progress: { total: 1_000, processed: 1_000, cancelled: 1_000 - refused - skipped - 1, refused, skipped, failed: 1 },
    });
    expect(store.outcomes.size).toBe(1_000);
    expect(store.outcomes.get(500)).toEqual({ outcome: 'FAILED', detail: 'the database is gone' });
    expect([...store.made.values()].every((n) => n === 1)).toBe(true);
    expect(store.maxInFlight()).toBeLessThanOrEqual(8);
    // The failed order was tried as often as its retry policy says, every other order once.
    expect(calls.count('cancelBulkCancellationItem')).toBe(999 + 8);
    // Four runs of 250 orders: the job reads itself once per run.
    expect(calls.count('loadBulkCancellation')).toBe(4);
    expect(store.statuses).toEqual(['COMPLETED']);
  }, 120_000);
});

describe('the merchant pauses, resumes and stops a job', () => {
  it('pausing lets the orders under way finish and starts no new one until resumed', async () => {
    const held = gate();
    const store = bulkJobStore(20, undefined, held.wait);
    const calls = await env.activities(store.activities);
    const handle = await start(randomUUID(), { concurrency: 2 });
    await until(async () => (store.inFlight() === 2 ? true : undefined), 'two orders under way');

    const paused = await handle.executeUpdate(pauseBulkCancellationUpdate, { args: [{ staffId: 'grace' }] });
    expect(paused.phase).toBe('PAUSED');
    held.open();
    await until(async () => ((await handle.query(bulkCancellationStateQuery)).progress.processed === 2 ? true : undefined), 'the two done');
    await env.sleep('3 days');
    expect(calls.count('cancelBulkCancellationItem')).toBe(2);
    expect(store.statuses).toEqual(['PAUSED']);

    // Pausing again changes nothing; resuming goes on with the rest.
    expect((await handle.executeUpdate(pauseBulkCancellationUpdate, { args: [{}] })).phase).toBe('PAUSED');
    expect((await handle.executeUpdate(resumeBulkCancellationUpdate, { args: [{ staffId: 'grace' }] })).phase).toBe('RUNNING');
    const result = await handle.result();
    expect(result.status).toBe('COMPLETED');
    expect(result.progress.cancelled).toBe(20);
    expect(calls.count('cancelBulkCancellationItem')).toBe(20);
    expect(store.statuses).toEqual(['PAUSED', 'RUNNING', 'COMPLETED']);
  });

  it('stopping answers once the orders under way have finished, and leaves the rest as they are', async () => {
    const held = gate();
    const store = bulkJobStore(50, undefined, held.wait);
    const calls = await env.activities(store.activities);
    const handle = await start(randomUUID(), { concurrency: 3 });
    await until(async () => (store.inFlight() === 3 ? true : undefined), 'three orders under way');

    const stopping = handle.executeUpdate(stopBulkCancellationUpdate, { args: [{ staffId: 'grace' }] });
    await until(async () => ((await handle.query(bulkCancellationStateQuery)).phase === 'STOPPING' ? true : undefined), 'stopping');
    held.open();
    const stopped = await stopping;
    expect(stopped.progress.processed).toBe(3);
    expect(await handle.result()).toEqual({
      status: 'STOPPED',
      progress: { total: 50, processed: 3, cancelled: 3, refused: 0, skipped: 0, failed: 0 },
    });
    expect(calls.count('cancelBulkCancellationItem')).toBe(3);
    expect(store.statuses).toEqual(['STOPPED']);
  });

  it('a stopping job can no longer be paused or resumed', async () => {
    const held = gate();
    const store = bulkJobStore(10, undefined, held.wait);
    await env.activities(store.activities);
    const handle = await start(randomUUID(), { concurrency: 1 });
    await until(async () => (store.inFlight() === 1 ? true : undefined), 'one order under way');
    const stopping = handle.executeUpdate(stopBulkCancellationUpdate, { args: [{}] });
    await until(async () => ((await handle.query(bulkCancellationStateQuery)).phase === 'STOPPING' ? true : undefined), 'stopping');
    await expect(handle.executeUpdate(pauseBulkCancellationUpdate, { args: [{}] })).rejects.toThrow(WorkflowUpdateFailedError);
    held.open();
    await stopping;
    expect((await handle.result()).status).toBe('STOPPED');
  });

  it('a run that continued as new while paused stays paused until resumed', async () => {
    const store = bulkJobStore(30);
    const calls = await env.activities(store.activities);
    const progress = { total: 30, processed: 10, cancelled: 10, refused: 0, skipped: 0, failed: 0 };
    const handle = await start(randomUUID(), {
      concurrency: 2,
      itemsPerRun: 10,
      carried: { next: 11, paused: true, recorded: 'PAUSED', progress, run: 1 },
    });
    await until(async () => ((await handle.query(bulkCancellationStateQuery)).phase === 'PAUSED' ? true : undefined), 'paused');
    await env.sleep('1 day');
    expect(calls.count('cancelBulkCancellationItem')).toBe(0);
    await handle.executeUpdate(resumeBulkCancellationUpdate, { args: [{}] });
    const result = await handle.result();
    expect(result.progress).toEqual({ ...progress, processed: 30, cancelled: 30 });
    expect(calls.count('cancelBulkCancellationItem')).toBe(20);
    expect(store.statuses).toEqual(['RUNNING', 'COMPLETED']);
  });
});

describe('the same job never cancels anything twice', () => {
  it('a second start of a running job is refused by its workflow id, and a rerun after it ended makes nothing again', async () => {
    const store = bulkJobStore(40);
    const calls = await env.activities(store.activities);
    const jobId = randomUUID();
    const first = await start(jobId, { concurrency: 4 });
    await expect(start(jobId, { concurrency: 4 })).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    expect((await first.result()).progress.cancelled).toBe(40);

    const again = await start(jobId, { concurrency: 4 });
    expect((await again.result()).progress).toEqual({ total: 40, processed: 40, cancelled: 40, refused: 0, skipped: 0, failed: 0 });
    expect(calls.count('cancelBulkCancellationItem')).toBe(80);
    expect([...store.made.values()]).toEqual(Array(40).fill(1));
  });

  it('an attempt whose answer was lost is asked again and finds the cancellation it made', async () => {
    let lost = 0;
    const store = bulkJobStore(5);
    const orders = store.activities.orders as {
      cancelBulkCancellationItem: (input: { jobId: string; itemNo: number }) => Promise<unknown>;
    };
    const real = orders.cancelBulkCancellationItem;
    orders.cancelBulkCancellationItem = async (input) => {
      const answer = await real(input);
      if (input.itemNo === 3 && lost++ === 0) throw new Error('the answer was lost on the way back');
      return answer;
    };
    const calls = await env.activities(store.activities);
    const result = await (await start(randomUUID(), { concurrency: 2 })).result();
    expect(result.progress.cancelled).toBe(5);
    expect(calls.count('cancelBulkCancellationItem')).toBe(6);
    expect(store.made.get(3)).toBe(1);
  });
});
