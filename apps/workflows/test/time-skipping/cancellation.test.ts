// The cancellation process alone, its activities mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { cancellationWorkflow } from '../../src/cancellation.ts';
import {
  abortForUndoUpdate,
  cancellationStateQuery,
  disputeClosedSignal,
  refundSettledSignal,
  retryRefundUpdate,
  type CancellationWorkflowInput,
} from '../../src/contracts/cancellation.ts';
import { startTimeSkippingEnvironment, until, type TimeSkippingEnvironment } from './environment.ts';
import { cancellationActivities, cancellationContext, refund, type CancellationMocks } from './fixtures.ts';
import type { CancellationContext } from '../../src/contracts/cancellation.ts';

let env: TimeSkippingEnvironment;
// The first run on a machine fetches the test server with Maven (npm test does that before vitest).
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const context = cancellationContext;

/** The cancellation each test serves, by id: the process starts with it, as the reservation starts it. */
const served = new Map<string, CancellationContext>();

/** Every activity answers as on a good day unless the test says otherwise. */
const serve = (cancellation: CancellationContext, mocks: CancellationMocks = {}) => {
  served.set(cancellation.cancellationId, cancellation);
  return env.activities(cancellationActivities(cancellation, mocks));
};

/** `{ cancellation: undefined }`: started as processes were before they got their cancellation, which load it. */
function start(cancellationId: string, input: Partial<CancellationWorkflowInput> = {}) {
  return env.workflow.start(cancellationWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: `cancellation-${cancellationId}`,
    args: [{ cancellationId, cancellation: served.get(cancellationId), ...input }],
  });
}

/** The steps as the process saw them recorded, each by the activity that did its work. */
const stepsOf = async (handle: Awaited<ReturnType<typeof start>>) => (await handle.query(cancellationStateQuery)).steps;

/** How much server time the (closed) workflow took, by its own start and close. */
async function runTime(handle: Awaited<ReturnType<typeof start>>): Promise<number> {
  const { startTime, closeTime } = await handle.describe();
  return closeTime!.getTime() - startTime.getTime();
}

const phaseOf = (handle: Awaited<ReturnType<typeof start>>, phase: string) =>
  until(async () => ((await handle.query(cancellationStateQuery)).phase === phase ? true : undefined), `phase ${phase}`);

describe('a cancellation completes only after its refund succeeded', () => {
  it('restocks, tells the channel, refunds once, completes, then emails the customer once', async () => {
    const id = randomUUID();
    const calls = await serve(context(id));
    const handle = await start(id);
    const result = await handle.result();

    expect(result).toEqual({ status: 'CANCELLED', refund: 'SUCCEEDED', refundAttempts: 1 });
    expect(calls.count('restockCancellation')).toBe(1);
    expect(calls.count('requestRefund')).toBe(1);
    expect(calls.count('completeCancellation')).toBe(1);
    expect(calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template)).toEqual(['CANCELLATION_CONFIRMED']);
    const order = calls
      .names()
      .filter((n) =>
        ['restockCancellation', 'notifyChannelOfCancellation', 'requestRefund', 'completeCancellation', 'sendEmail'].includes(n),
      );
    expect(order).toEqual(['restockCancellation', 'notifyChannelOfCancellation', 'requestRefund', 'completeCancellation', 'sendEmail']);
    expect(await stepsOf(handle)).toEqual([
      'RESTOCKED',
      'CHANNEL_NOTIFIED',
      'REFUND_REQUESTED',
      'REFUND_SUCCEEDED',
      'CANCELLED',
      'CUSTOMER_NOTIFIED',
    ]);
    expect(calls.count('recordCancellationStep')).toBe(0);
  });

  it('does not restock unless the merchant asked for it', async () => {
    const id = randomUUID();
    const calls = await serve(context(id, { restock: false }));
    const handle = await start(id);
    await handle.result();
    expect(calls.count('restockCancellation')).toBe(0);
    expect(await stepsOf(handle)).not.toContain('RESTOCKED');
  });

  it.each([
    ['nothing was paid', { amount: 0 }],
    ['the refund method is NONE', { refundMethod: 'NONE' as const }],
  ])('moves no money when %s, and says the refund was not needed', async (_why, over) => {
    const id = randomUUID();
    const calls = await serve(context(id, over));
    const handle = await start(id);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'CANCELLED', refund: 'NOT_NEEDED', refundAttempts: 0 });
    expect(calls.count('requestRefund')).toBe(0);
    expect(await stepsOf(handle)).toContain('REFUND_NOT_NEEDED');
    // Completing records why no refund was needed; the payments are recorded on their own.
    expect(calls.inputsOf<string>('completeCancellation')).toEqual([id]);
    expect(calls.all.find((c) => c.name === 'completeCancellation')!.input[1]).toEqual({ refundNotNeeded: 'nothing to refund' });
    expect(calls.count('recordOrderPayments')).toBe(1);
    expect(calls.inputsOf<{ data: { amount: number } }>('sendEmail')[0]!.data.amount).toBe(0);
  });
});

describe('each step is recorded once, by the activity that does its work', () => {
  it('a card cancellation whose refund succeeds at once runs 5 activities, none of them only to record a step', async () => {
    const id = randomUUID();
    const cancellation = context(id, { restock: false });
    const calls = await serve(cancellation);
    expect(await (await start(id)).result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED' });
    expect(calls.names()).toEqual([
      // started with its cancellation: nothing to load
      'notifyChannelOfCancellation',
      'requestRefund', // records the order's payments with it
      'completeCancellation', // records the refund's steps with the status
      'sendEmail',
      'recordCustomerNotified',
    ]);
    expect(calls.inputsOf<{ payments: unknown }>('requestRefund')[0]!.payments).toEqual(cancellation.payments);
  });

  it('a restock adds the restock; a refund that settles later adds the record of its pending, not a reading of its success', async () => {
    const id = randomUUID();
    const calls = await serve(context(id), { payments: { requestRefund: async () => refund('PENDING') } });
    const handle = await start(id, { refundRecheckFirst: '1 hour' });
    await phaseOf(handle, 'WAITING_FOR_REFUND');
    // The payment service says how the refund ended: a success is final, nothing to read again.
    await handle.signal(refundSettledSignal, { refundId: 'refund-1', outcome: refund('SUCCEEDED') });
    await handle.result();
    expect(calls.names()).toEqual([
      'restockCancellation',
      'notifyChannelOfCancellation',
      'requestRefund',
      'recordRefund',
      'completeCancellation',
      'sendEmail',
      'recordCustomerNotified',
    ]);
    expect(calls.all.find((c) => c.name === 'completeCancellation')!.input[1]).toEqual({
      refund: { attempt: 1, status: 'SUCCEEDED', requested: 'attempt 1: 5500 by CARD PENDING', settled: '5500 by CARD SUCCEEDED' },
    });
  });

  it('a process started without its cancellation (before it was given one) loads it first', async () => {
    const id = randomUUID();
    const calls = await serve(context(id, { restock: false }));
    expect(await (await start(id, { cancellation: undefined })).result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED' });
    expect(calls.names()[0]).toBe('loadCancellation');
    expect(calls.count('loadCancellation')).toBe(1);
  });
});

/**
 * The waits before each question to the provider, counted from the refund's request: each gap
 * between two calls, cut down to whole `unit`s (the server's clock moves on while activities run).
 */
function waitsBeforeAsking(calls: Awaited<ReturnType<typeof serve>>, unit: number, since = calls.timesOf('requestRefund')[0]!): number[] {
  const times = [since, ...calls.timesOf('reconcileRefund').filter((t) => t >= since)];
  return times.slice(1).map((t, i) => Math.floor((t - times[i]!) / unit) * unit);
}

const SECOND = 1_000;
const MINUTE = 60_000;

describe('a pending refund keeps the cancellation IN_PROGRESS until the provider settles it', () => {
  it('with no event, asks the provider after 10 seconds, then after waits that double up to an hour, and completes on its answer', async () => {
    const id = randomUUID();
    let asks = 0;
    const calls = await serve(context(id), {
      payments: {
        requestRefund: async () => refund('PENDING'),
        getRefund: async () => refund('PENDING'), // our record never heard of the settlement
        reconcileRefund: async () => (++asks < 12 ? refund('PENDING') : refund('SUCCEEDED')),
      },
    });
    const handle = await start(id);
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED', refundAttempts: 1 });

    expect(waitsBeforeAsking(calls, 10 * SECOND)).toEqual(
      [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600].map((s) => s * SECOND),
    );
    expect(calls.count('getRefund')).toBe(0); // nothing was heard: the provider is asked, not our own record
    expect(calls.names().indexOf('completeCancellation')).toBeGreaterThan(calls.names().lastIndexOf('reconcileRefund'));
    expect(await stepsOf(handle)).toEqual([
      'RESTOCKED',
      'CHANNEL_NOTIFIED',
      'REFUND_REQUESTED',
      'REFUND_SUCCEEDED',
      'CANCELLED',
      'CUSTOMER_NOTIFIED',
    ]);
    // Pending is recorded once, before the first wait; the success is recorded with the completion.
    expect(calls.inputsOf<{ refund: { status: string } }>('recordRefund').map((r) => r.refund.status)).toEqual(['PENDING']);
    expect(calls.all.find((c) => c.name === 'completeCancellation')!.input[1]).toEqual({
      refund: { attempt: 1, status: 'SUCCEEDED', requested: 'attempt 1: 5500 by CARD PENDING', settled: '5500 by CARD SUCCEEDED' },
    });
  });

  it('uses the configured first and longest wait', async () => {
    const id = randomUUID();
    let asks = 0;
    const calls = await serve(context(id), {
      payments: {
        requestRefund: async () => refund('PENDING'),
        reconcileRefund: async () => (++asks < 5 ? refund('PENDING') : refund('SUCCEEDED')),
      },
    });
    const handle = await start(id, { refundRecheckFirst: '1 minute', refundRecheckInterval: '5 minutes' });
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED' });
    expect(waitsBeforeAsking(calls, MINUTE)).toEqual([1, 2, 4, 5, 5].map((m) => m * MINUTE));
  });

  it('a failure the provider answers is a failed refund; a retried refund that is pending is asked after the first wait again', async () => {
    const id = randomUUID();
    let asks = 0;
    const calls = await serve(context(id), {
      payments: {
        requestRefund: async () => refund('PENDING'),
        reconcileRefund: async () =>
          ++asks < 3 ? refund('PENDING') : asks === 3 ? refund('FAILED', 'account closed') : refund('SUCCEEDED'),
      },
    });
    const handle = await start(id, { refundRecheckFirst: '1 minute', refundRecheckInterval: '1 hour', supportEmail: 'help@shop.example' });
    await env.sleep('8 minutes'); // asked after 1, 3 and 7 minutes
    expect((await handle.query(cancellationStateQuery)).phase).toBe('REFUND_FAILED');
    expect(calls.count('completeCancellation')).toBe(0);
    expect(calls.inputsOf<{ template: string; data: { failureReason: string } }>('sendEmail')).toEqual([
      expect.objectContaining({ template: 'REFUND_FAILED_SUPPORT', data: expect.objectContaining({ failureReason: 'account closed' }) }),
    ]);
    expect(waitsBeforeAsking(calls, MINUTE)).toEqual([1, 2, 4].map((m) => m * MINUTE));

    await handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: 'staff-7' }] });
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED', refundAttempts: 2 });
    expect(waitsBeforeAsking(calls, MINUTE, calls.timesOf('requestRefund')[1])).toEqual([MINUTE]);
  });

  it('a signal of a failure (or one without the refund, as sent before) is read again from the payment service', async () => {
    const id = randomUUID();
    let reading = 0;
    const calls = await serve(context(id), {
      payments: {
        requestRefund: async () => refund('PENDING'),
        // The signal said FAILED, but the record is the truth: still pending, then settled.
        getRefund: async () => (++reading === 1 ? refund('PENDING') : refund('SUCCEEDED')),
        reconcileRefund: async () => refund('PENDING'),
      },
    });
    const handle = await start(id, { refundRecheckFirst: '1 hour' });
    await phaseOf(handle, 'WAITING_FOR_REFUND');
    await handle.signal(refundSettledSignal, { refundId: 'refund-1', outcome: refund('FAILED', 'stale') });
    await until(async () => (calls.count('getRefund') === 1 ? true : undefined), 'the first reading');
    await handle.signal(refundSettledSignal, { refundId: 'refund-1' });
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED' });
    expect(calls.count('getRefund')).toBe(2);
    expect(calls.count('reconcileRefund')).toBe(0);
  });

  it('re-reads at once when the payment service signals that the refund settled, without waiting to ask the provider', async () => {
    const id = randomUUID();
    let settled = false;
    const calls = await serve(context(id), {
      payments: {
        requestRefund: async () => refund('PENDING'),
        getRefund: async () => refund(settled ? 'SUCCEEDED' : 'PENDING'),
        reconcileRefund: async () => refund('PENDING'),
      },
    });
    const handle = await start(id, { refundRecheckFirst: '1 hour' });
    await phaseOf(handle, 'WAITING_FOR_REFUND');
    settled = true;
    await handle.signal(refundSettledSignal, { refundId: 'refund-1' });
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refund: 'SUCCEEDED' });
    expect(calls.count('getRefund')).toBe(1);
    expect(calls.count('reconcileRefund')).toBe(0);
    expect(await runTime(handle)).toBeLessThan(3_600_000);
  });
});

describe('a failed refund waits for support to retry it', () => {
  it('reports the failure to support once, waits without a limit, and completes after a retry succeeds', async () => {
    const id = randomUUID();
    let attempts = 0;
    const calls = await serve(context(id), {
      payments: { requestRefund: async () => (++attempts === 1 ? refund('FAILED', 'card expired') : refund('SUCCEEDED')) },
    });
    const handle = await start(id, { supportEmail: 'help@shop.example' });
    await phaseOf(handle, 'REFUND_FAILED');
    await env.sleep('30 days');
    expect((await handle.query(cancellationStateQuery)).phase).toBe('REFUND_FAILED');
    expect(calls.count('completeCancellation')).toBe(0);
    const failures = calls.inputsOf<{ template: string; to: string; data: { failureReason: string } }>('sendEmail');
    expect(failures).toEqual([
      expect.objectContaining({
        template: 'REFUND_FAILED_SUPPORT',
        to: 'help@shop.example',
        data: expect.objectContaining({ failureReason: 'card expired' }),
      }),
    ]);

    expect(await handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: 'staff-7' }] })).toEqual({ attempt: 2 });
    expect(await handle.result()).toEqual({ status: 'CANCELLED', refund: 'SUCCEEDED', refundAttempts: 2 });
    expect(calls.inputsOf<{ retry: boolean }>('requestRefund').map((r) => r.retry)).toEqual([false, true]);
    // The failed attempt is recorded when it fails; the retried one, by support, with the completion.
    expect(calls.inputsOf<{ refund: object }>('recordRefund').map((r) => r.refund)).toEqual([
      { attempt: 1, status: 'FAILED', requested: 'attempt 1: 5500 by CARD FAILED', failureReason: 'card expired' },
    ]);
    expect(calls.all.find((c) => c.name === 'completeCancellation')!.input[1]).toEqual({
      refund: {
        attempt: 2,
        status: 'SUCCEEDED',
        requested: 'attempt 2: 5500 by CARD SUCCEEDED',
        requestedBy: 'staff-7',
        settled: '5500 by CARD SUCCEEDED',
      },
    });
  });

  it('refuses a retry while the refund has not failed', async () => {
    const id = randomUUID();
    await serve(context(id), {
      payments: {
        requestRefund: async () => refund('PENDING'),
        getRefund: async () => refund('PENDING'),
        reconcileRefund: async () => refund('PENDING'),
      },
    });
    const handle = await start(id);
    await phaseOf(handle, 'WAITING_FOR_REFUND');
    await expect(handle.executeUpdate(retryRefundUpdate, { args: [{ staffId: 'staff-7' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    await handle.terminate('test over');
  });
});

describe('an eBay dispute must close before anything is refunded', () => {
  it.each([
    ['MARKETPLACE_REFUNDED', 0],
    ['BUYER_REFUNDED_BY_MARKETPLACE', 0],
    ['CLOSED_WITHOUT_REFUND', 0],
    ['SELLER_REFUNDS', 1],
  ])('when the dispute closes as %s the seller refunds %i times', async (resolution, refunds) => {
    const id = randomUUID();
    const calls = await serve(context(id, { channel: 'ebay' }), {
      orders: { notifyChannelOfCancellation: async () => ({ disputeId: 'dispute-9' }) },
    });
    const handle = await start(id);
    await phaseOf(handle, 'WAITING_FOR_DISPUTE');
    await env.sleep('10 days');
    expect(calls.count('requestRefund')).toBe(0);
    await handle.signal(disputeClosedSignal, { disputeId: 'dispute-9', resolution });
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED', refund: refunds ? 'SUCCEEDED' : 'NOT_NEEDED' });
    expect(calls.count('requestRefund')).toBe(refunds);
    expect((await stepsOf(handle)).slice(0, 4)).toEqual(['RESTOCKED', 'CHANNEL_NOTIFIED', 'DISPUTE_OPENED', 'DISPUTE_CLOSED']);
    // Closing the dispute recorded its step; no activity records it again.
    expect(calls.count('recordCancellationStep')).toBe(0);
  });
});

describe('an undo stops the cancellation at a checkpoint, never during a step', () => {
  it('stops while it waits for a dispute: nothing was refunded and nothing completes', async () => {
    const id = randomUUID();
    const calls = await serve(context(id, { channel: 'ebay' }), {
      orders: { notifyChannelOfCancellation: async () => ({ disputeId: 'dispute-1' }) },
    });
    const handle = await start(id);
    await phaseOf(handle, 'WAITING_FOR_DISPUTE');
    const answer = await handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId: 'undo-1' }] });
    expect(answer).toEqual({ stoppedAt: 'WAITING_FOR_DISPUTE', refundRequested: false });
    expect(await handle.result()).toEqual({ status: 'STOPPED_FOR_UNDO', undoId: 'undo-1', stoppedAt: 'WAITING_FOR_DISPUTE' });
    expect(calls.count('requestRefund')).toBe(0);
    expect(calls.count('completeCancellation')).toBe(0);
    expect(calls.count('sendEmail')).toBe(0);
  });

  it('stops after a failed refund and tells the undo that money was asked for', async () => {
    const id = randomUUID();
    const calls = await serve(context(id), { payments: { requestRefund: async () => refund('FAILED', 'declined') } });
    const handle = await start(id);
    await phaseOf(handle, 'REFUND_FAILED');
    expect(await handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId: 'undo-2' }] })).toEqual({
      stoppedAt: 'REFUND_FAILED',
      refundRequested: true,
    });
    expect(await handle.result()).toMatchObject({ status: 'STOPPED_FOR_UNDO', stoppedAt: 'REFUND_FAILED' });
    expect(calls.count('requestRefund')).toBe(1);
    expect(calls.count('completeCancellation')).toBe(0);
  });

  it('lets the step in flight finish, then stops before the next one', async () => {
    const id = randomUUID();
    let release!: () => void;
    const restocked = new Promise<void>((resolve) => (release = resolve));
    let restocking!: () => void;
    const restockStarted = new Promise<void>((resolve) => (restocking = resolve));
    const calls = await serve(context(id), {
      orders: {
        restockCancellation: async () => {
          restocking();
          await restocked;
        },
      },
    });
    const handle = await start(id);
    await restockStarted;
    const answer = handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId: 'undo-3' }] });
    await until(async () => ((await handle.describe()).status.name === 'RUNNING' ? true : undefined), 'the workflow to run');
    release();
    expect(await answer).toEqual({ stoppedAt: 'RESTOCKING', refundRequested: false });
    expect(await handle.result()).toMatchObject({ status: 'STOPPED_FOR_UNDO', stoppedAt: 'RESTOCKING' });
    expect(calls.count('restockCancellation')).toBe(1);
    expect(await stepsOf(handle)).toEqual(['RESTOCKED']);
    expect(calls.count('notifyChannelOfCancellation')).toBe(0);
  });

  it('refuses an undo once the cancellation is CANCELLED: it is undone afterwards instead', async () => {
    const id = randomUUID();
    let sent!: () => void;
    const emailing = new Promise<void>((resolve) => (sent = resolve));
    let finish!: () => void;
    const emailed = new Promise<void>((resolve) => (finish = resolve));
    await serve(context(id), {
      notifications: {
        sendEmail: async () => {
          sent();
          await emailed;
          return { messageId: '<m@test>' };
        },
      },
    });
    const handle = await start(id);
    await emailing;
    await expect(handle.executeUpdate(abortForUndoUpdate, { args: [{ undoId: 'undo-4' }] })).rejects.toThrow(WorkflowUpdateFailedError);
    finish();
    expect(await handle.result()).toMatchObject({ status: 'CANCELLED' });
  });
});

describe('activities are retried until they succeed, unless a business rule refused them', () => {
  it('retries a channel that is down, with backoff, and completes once it answers', async () => {
    const id = randomUUID();
    let tries = 0;
    const calls = await serve(context(id), {
      orders: {
        notifyChannelOfCancellation: async () => {
          if (++tries < 4) throw new Error('marketplace unavailable');
          return {};
        },
      },
    });
    expect(await (await start(id)).result()).toMatchObject({ status: 'CANCELLED' });
    expect(calls.count('notifyChannelOfCancellation')).toBe(4);
    expect(calls.count('completeCancellation')).toBe(1);
  });

  it('fails for good, without a retry, when completing is refused by a business rule', async () => {
    const id = randomUUID();
    const calls = await serve(context(id), {
      orders: {
        completeCancellation: async () => {
          throw ApplicationFailure.create({ type: 'RuleViolationError', message: 'the cancellation is not IN_PROGRESS' });
        },
      },
    });
    await expect((await start(id)).result()).rejects.toThrow(WorkflowFailedError);
    expect(calls.count('completeCancellation')).toBe(1);
    expect(calls.count('sendEmail')).toBe(0);
  });

  it('fails without refunding when its cancellation never committed (the API rolled back)', async () => {
    const id = randomUUID();
    const calls = await serve(context(id), {
      orders: {
        // What the order service answers once it has looked long enough (recordNotFoundYet).
        restockCancellation: async () => {
          throw ApplicationFailure.create({ type: 'CancellationNotFound', message: `no cancellation ${id}`, nonRetryable: true });
        },
      },
    });
    await expect((await start(id)).result()).rejects.toThrow(WorkflowFailedError);
    expect(calls.count('requestRefund')).toBe(0);
    expect(calls.count('sendEmail')).toBe(0);
  });

  it('started without its cancellation (as before), gives up after 8 loads when it never committed', async () => {
    const id = randomUUID();
    const calls = await serve(context(id), {
      orders: {
        loadCancellation: async () => {
          throw ApplicationFailure.create({ type: 'NotFoundError', message: `no cancellation ${id}` });
        },
      },
    });
    await expect((await start(id, { cancellation: undefined })).result()).rejects.toThrow(WorkflowFailedError);
    expect(calls.count('loadCancellation')).toBe(8);
    expect(calls.count('recordOrderPayments')).toBe(0);
  });
});
