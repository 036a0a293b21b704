/**
 * A rejected update (its validator threw: nothing is written to the history) followed by an
 * accepted one whose handler ends a wait bounded by a timer (the timer is cancelled), then a
 * worker restart: the new worker replays the whole history and the process must still finish.
 * cancelled-but-shipped.ts met a nondeterminism error ("Update machine does not handle this
 * event: TimerCanceled") in that sequence; these guard the two other processes that reject
 * updates in validators.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { eventually, importOrder, unique, type ApiClient, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { serviceToken, supportToken } from '@cancelflow/testing/tokens';
import { cancellationRequestStateQuery, withdrawCancellationRequestUpdate } from '../src/contracts/customer-cancellation-request.ts';
import { cancellationStateQuery } from '../src/contracts/cancellation.ts';
import { proceedUpdate } from './fixtures/rejected-update-workflow.ts';

let started: RunningSystem;
let support: ApiClient;
let importer: ApiClient;

beforeAll(async () => {
  started = await startSystem({
    env: { REFUND_RECHECK_INTERVAL: '1s', REQUEST_REMINDER_INTERVAL: '1s', REQUEST_ESCALATION_AFTER: '2500ms' },
  });
  const [supportJwt, serviceJwt] = await Promise.all([supportToken(), serviceToken()]);
  support = started.orders.withToken(supportJwt);
  importer = started.orders.withToken(serviceJwt);
});

afterAll(async () => {
  await started?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a rejected update, then an accepted one that ends a timed wait, survive a worker restart', () => {
  it('cancellation: a refused refund retry while the refund is pending, then an undo stops the wait; after a restart the undo completes and the process replays', async () => {
    const order = await importOrder(importer);
    await started.payments.post('/sandbox/faults', { orderId: order.id, operation: 'refund', mode: 'SETTLE_MANUALLY' });
    const cancelled = await support.post<{ cancellationId: string; workflowId: string }>(`/orders/${order.id}/cancellations`, {
      lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.openQuantity })),
      reason: 'CUSTOMER_REQUEST',
      merchantCancellationNumber: unique('C'),
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(202);
    const { cancellationId, workflowId } = cancelled.body;
    const handle = started.temporal.workflow.getHandle(workflowId);
    await eventually(async () => ((await handle.query(cancellationStateQuery)).phase === 'WAITING_FOR_REFUND' ? true : undefined), {
      what: 'the cancellation to wait for its pending refund',
    });
    await sleep(1_500); // at least one recheck timer fired and a new one started

    // Rejected by the validator: the refund has not failed, it is pending.
    const retry = await support.post<{ error: { message: string } }>(`/cancellations/${cancellationId}/retry-refund`, {
      staffId: 'support-17',
    });
    expect(retry.status).toBe(409);
    expect(retry.body.error.message).toMatch(
      /the refund cannot be retried: the refund can only be retried after it failed; it is WAITING_FOR_REFUND/,
    );

    // Accepted: abortForUndo ends the timed wait (its timer is cancelled).
    const undone = await support.post<{ undoId: string }>(`/cancellations/${cancellationId}/undo`, {
      reason: 'customer changed their mind',
      staffId: 'sam',
    });
    expect(undone.status, JSON.stringify(undone.body)).toBe(202);
    expect(await handle.result()).toMatchObject({ status: 'STOPPED_FOR_UNDO', undoId: undone.body.undoId });

    await started.restartCancellationsWorker();
    // The new worker has nothing cached: the query replays the whole history of the stopped process.
    expect((await handle.query(cancellationStateQuery)).phase).toBe('STOPPED_FOR_UNDO');
    await eventually(
      async () => {
        const u = (await support.get<{ status: string; steps: { step: string }[] }>(`/undos/${undone.body.undoId}`)).body;
        return u.status === 'UNDONE' && u.steps.some((s) => s.step === 'CUSTOMER_NOTIFIED') ? u : undefined;
      },
      { what: 'the undo to complete after the restart', timeoutMs: 30_000 },
    );
  });

  it('customer request: a refused answer while another is being recorded, then the accept ends the reminder wait; after a restart the process completes and replays', async () => {
    const order: OrderBody = await importOrder(started.orders, { merchantId: unique('m') });
    expect((await started.orders.post(`/orders/${order.id}/acknowledge`)).status).toBe(200);
    const created = await started.orders.post<{ requestId: string; workflowId: string }>(`/orders/${order.id}/cancellation-requests`, {
      source: 'CUSTOMER_CONTACT',
      lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
      reason: 'CUSTOMER_REQUEST',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const handle = started.temporal.workflow.getHandle(created.body.workflowId);
    await eventually(
      async () => ((await handle.query(cancellationRequestStateQuery)).phase === 'WAITING_FOR_MERCHANT' ? true : undefined),
      {
        what: 'the request to wait for the merchant',
      },
    );
    await sleep(1_200); // a reminder timer fired; the next one is pending

    // The accept is taken and ends the wait; the withdraw sent meanwhile is rejected by its validator.
    const [accepted, withdrawn] = await Promise.all([
      started.orders.post<{ status: string; cancellationId: string }>(`/cancellation-requests/${created.body.requestId}/accept`, {
        staffId: 'sam',
      }),
      (async () => {
        // After the accept reached the process (a loaded machine takes a while to pass it on).
        await eventually(
          async () => ((await handle.query(cancellationRequestStateQuery)).phase !== 'WAITING_FOR_MERCHANT' ? true : undefined),
          { what: 'the accept to reach the process', intervalMs: 5 },
        );
        return handle.executeUpdate(withdrawCancellationRequestUpdate, { args: [{}] }).then(
          () => 'taken',
          (error: unknown) => error,
        );
      })(),
    ]);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(withdrawn).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((withdrawn as WorkflowUpdateFailedError).cause?.message).toMatch(/being recorded|already closed/);

    expect(await handle.result()).toMatchObject({ outcome: 'ACCEPTED' });
    await started.restartCancellationsWorker();
    expect((await handle.query(cancellationRequestStateQuery)).phase).toBe('ACCEPTED');
    await eventually(
      async () => {
        const c = (await started.orders.get<{ status: string }>(`/cancellations/${accepted.body.cancellationId}`)).body;
        return c.status === 'CANCELLED' ? c : undefined;
      },
      { what: 'the accepted cancellation to complete after the restart' },
    );
  });
});

describe('the SDK itself (1.24, no workflow cache: every task replays the whole history)', () => {
  it('a validator rejection, then an accepted update that cancels a condition timer, replays without a nondeterminism error', async () => {
    const taskQueue = unique('rejected-update');
    const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const failures: string[] = [];
    const worker = await Worker.create({
      connection,
      namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue,
      workflowsPath: new URL('./fixtures/rejected-update-workflow.ts', import.meta.url).pathname,
      maxCachedWorkflows: 0,
    });
    try {
      await worker.runUntil(async () => {
        const handle = await started.temporal.workflow.start('rejectedThenAcceptedWorkflow', {
          taskQueue,
          workflowId: unique('wf'),
          args: [],
        });
        const rejected = await handle.executeUpdate(proceedUpdate, { args: [false] }).catch((error: unknown) => error);
        expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(await handle.executeUpdate(proceedUpdate, { args: [true] })).toBe('accepted');
        expect(await handle.result()).toBe('done after 0 timeouts');
        const { events } = await handle.fetchHistory();
        for (const e of events ?? [])
          if (e.workflowTaskFailedEventAttributes) failures.push(e.workflowTaskFailedEventAttributes.failure?.message ?? 'failed');
        expect(events?.some((e) => e.timerCanceledEventAttributes)).toBe(true);
        expect(events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(true);
      });
    } finally {
      await connection.close();
    }
    expect(failures).toEqual([]);
  });
});
