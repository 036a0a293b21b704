// Undoing a cancellation alone, its activities mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import type { UndoRefundPart } from '@cancelflow/domain/undo-cancellation';
import { CANCELLATION_WORKFLOW_TYPE } from '../../src/contracts/cancellation.ts';
import { undoCancellationWorkflow } from '../../src/undo-cancellation.ts';
import { paymentReceivedSignal, undoStateQuery, type UndoCancellationWorkflowInput } from '../../src/contracts/undo-cancellation.ts';
import { startTimeSkippingEnvironment, until, type RecordedCalls, type TimeSkippingEnvironment } from './environment.ts';
import { renderedEmails } from './emails.ts';
import { paymentRequest, refundPart, undoActivities, undoContext, type UndoMocks } from './fixtures.ts';
import type { UndoContext } from '../../src/contracts/undo-cancellation.ts';

let env: TimeSkippingEnvironment;
// The first run on a machine fetches the test server with Maven (npm test does that before vitest).
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const serve = (undo: UndoContext, parts: UndoRefundPart[], mocks: UndoMocks = {}) => env.activities(undoActivities(undo, parts, mocks));

function start(undoId: string, input: Partial<UndoCancellationWorkflowInput> = {}) {
  return env.workflow.start(undoCancellationWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: `undo-cancellation-${undoId}`,
    args: [{ undoId, ...input }],
  });
}

const steps = (calls: RecordedCalls) => calls.inputsOf<{ step: string }>('recordUndoStep').map((s) => s.step);
const none = { takenBack: 0, stopped: 0, recaptured: 0, paidAgain: 0 };
const cardOnly = () => [refundPart({ recapturable: false })];

describe('the money comes back before anything reopens', () => {
  it('with nothing refunded, reopens, reverses the restock, tells the channel and the customer', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id), []);
    expect(await (await start(id)).result()).toEqual({ status: 'UNDONE', collected: none });
    expect(steps(calls)).toEqual(['NOTHING_TO_COLLECT', 'REOPENED', 'RESTOCK_REVERSED', 'CHANNEL_NOTIFIED', 'UNDONE', 'CUSTOMER_NOTIFIED']);
    expect(calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template)).toEqual(['CANCELLATION_UNDONE']);
  });

  it('takes points back, stops a pending card refund, recaptures a settled one — each before the reopening', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id, { amount: 6000 }), [
      refundPart({ partId: 'points', channel: 'POINTS', amount: 1000 }),
      refundPart({ partId: 'pending', amount: 2000, status: 'PENDING', stoppable: true }),
      refundPart({ partId: 'settled', amount: 3000 }),
    ]);
    expect(await (await start(id)).result()).toEqual({
      status: 'UNDONE',
      collected: { takenBack: 1000, stopped: 2000, recaptured: 3000, paidAgain: 0 },
    });
    const names = calls.names();
    expect(names.indexOf('takeBackLedger')).toBeLessThan(names.indexOf('stopRefundPart'));
    expect(names.indexOf('recapture')).toBeLessThan(names.indexOf('reopenCancellation'));
    expect(calls.count('requestPayment')).toBe(0);
  });

  it('stops the cancellation process first when it is still IN_PROGRESS', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id, { cancellationStatus: 'IN_PROGRESS' }), []);
    await (await start(id)).result();
    expect(calls.names().indexOf('stopCancellationProcess')).toBeLessThan(calls.names().indexOf('assessUndoMoney'));
    expect(steps(calls)[0]).toBe('CANCELLATION_PROCESS_STOPPED');
  });

  it('waits for a cancellation that was already completing to be CANCELLED, then undoes it', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id, { cancellationStatus: 'IN_PROGRESS' }), [], {
      orders: { stopCancellationProcess: async () => ({ outcome: 'COMPLETING' }) },
    });
    expect(await (await start(id)).result()).toMatchObject({ status: 'UNDONE' });
    expect(calls.count('awaitCancellationCompleted')).toBe(1);
    expect(steps(calls)[0]).toBe('CANCELLATION_COMPLETED_FIRST');
  });

  it('does nothing for an undo that is already over', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id, { undoStatus: 'UNDONE' }), []);
    expect(await (await start(id)).result()).toEqual({ status: 'UNDONE', collected: none });
    expect(calls.names()).toEqual(['loadUndo']);
  });
});

const SECOND = 1_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The provider asked after 1 hour, then after waits doubling up to 12 hours (shared with the cancellation). */
const asking = { refundRecheckFirst: '1 hour', refundRecheckInterval: '12 hours' } as const;

/** When each call of `name` was scheduled, counted from the payment request, cut down to whole `unit`s. */
const sinceRequested = (calls: RecordedCalls, name: string, unit: number) => {
  const requested = calls.timesOf('requestPayment')[0]!;
  return calls
    .timesOf(name)
    .filter((t) => t >= requested)
    .map((t) => Math.floor((t - requested) / unit) * unit);
};

const reminderTimes = (calls: RecordedCalls, unit: number) => {
  const requested = calls.timesOf('requestPayment')[0]!;
  return calls.all
    .filter((c) => c.name === 'sendEmail' && (c.input[0] as { template: string }).template === 'PAYMENT_REQUEST_REMINDER')
    .map((c) => Math.floor((c.at - requested) / unit) * unit);
};

describe('what cannot be recaptured the customer pays again, by a deadline', () => {
  it('asks once, asks the provider between reminders, reminds every 2 days, and reopens once the payment arrived', async () => {
    const id = randomUUID();
    let paid = false;
    const calls = await serve(undoContext(id), cardOnly(), {
      payments: { getPaymentRequest: async () => paymentRequest(paid ? 'PAID' : 'OPEN') },
    });
    const handle = await start(id, { cancellationProcess: asking });
    await until(
      async () => ((await handle.query(undoStateQuery)).phase === 'WAITING_FOR_PAYMENT' ? true : undefined),
      'the payment request',
    );
    await env.sleep('110 hours');
    expect((await handle.query(undoStateQuery)).remindersSent).toBe(2);
    expect(calls.count('reopenCancellation')).toBe(0);
    // Asked after 1, 2, 4, 8, then 12 hours, and at each reminder's time before reminding.
    expect(sinceRequested(calls, 'reconcilePaymentRequest', HOUR)).toEqual(
      [1, 3, 7, 15, 27, 39, 48, 60, 72, 84, 96, 108].map((h) => h * HOUR),
    );
    expect(reminderTimes(calls, HOUR)).toEqual([48 * HOUR, 96 * HOUR]);
    paid = true;
    await handle.signal(paymentReceivedSignal, { paymentRequestId: 'payment-request-1' });
    expect(await handle.result()).toEqual({ status: 'UNDONE', collected: { ...none, paidAgain: 4000 } });
    expect(calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template)).toEqual([
      'PAYMENT_REQUEST',
      'PAYMENT_REQUEST_REMINDER',
      'PAYMENT_REQUEST_REMINDER',
      'CANCELLATION_UNDONE',
    ]);
    expect(calls.count('requestPayment')).toBe(1);
  });

  it('a payment found by asking the provider reopens the order though no event came (asked after 10 seconds, doubling)', async () => {
    const id = randomUUID();
    let asks = 0;
    const calls = await serve(undoContext(id), cardOnly(), {
      payments: { reconcilePaymentRequest: async () => paymentRequest(++asks < 5 ? 'OPEN' : 'PAID') }, // our record stays OPEN
    });
    const handle = await start(id);
    expect(await handle.result()).toEqual({ status: 'UNDONE', collected: { ...none, paidAgain: 4000 } });
    expect(sinceRequested(calls, 'reconcilePaymentRequest', 10 * SECOND)).toEqual([10, 30, 70, 150, 310].map((s) => s * SECOND));
    expect(steps(calls)).toEqual([
      'PAYMENT_REQUESTED',
      'PAYMENT_RECEIVED',
      'REOPENED',
      'RESTOCK_REVERSED',
      'CHANNEL_NOTIFIED',
      'UNDONE',
      'CUSTOMER_NOTIFIED',
    ]);
    expect(calls.names().indexOf('reopenCancellation')).toBeGreaterThan(calls.names().lastIndexOf('reconcilePaymentRequest'));
    expect(calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template)).toEqual(['PAYMENT_REQUEST', 'CANCELLATION_UNDONE']);
  });

  it("sends no reminder when the question at the reminder's time finds the payment", async () => {
    const id = randomUUID();
    let asks = 0;
    const calls = await serve(undoContext(id), cardOnly(), {
      payments: { reconcilePaymentRequest: async () => paymentRequest(++asks < 7 ? 'OPEN' : 'PAID') }, // the 7th is at 48 hours
    });
    const handle = await start(id, { cancellationProcess: asking });
    expect(await handle.result()).toMatchObject({ status: 'UNDONE', collected: { paidAgain: 4000 } });
    expect(sinceRequested(calls, 'reconcilePaymentRequest', HOUR).at(-1)).toBe(48 * HOUR);
    expect(reminderTimes(calls, HOUR)).toEqual([]);
    expect((await handle.query(undoStateQuery)).remindersSent).toBe(0);
  });

  it('without payment by 7 days the undo FAILS, the points come back and the cancellation stays as it was', async () => {
    const id = randomUUID();
    const calls = await serve(
      undoContext(id),
      [refundPart({ partId: 'points', channel: 'POINTS', amount: 1000 }), refundPart({ amount: 3000, recapturable: false })],
      {
        payments: { restoreLedger: async () => ({ restored: 1000 }) },
      },
    );
    const handle = await start(id, { cancellationProcess: asking });
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'FAILED', collected: { ...none, takenBack: 1000 } });
    expect(result.reason).toContain('did not pay 30.00 EUR');
    expect(calls.count('expirePaymentRequest')).toBe(1);
    expect(calls.count('restoreLedger')).toBe(1);
    expect(calls.inputsOf('failUndo')).toEqual([{ undoId: id, reason: result.reason }]);
    expect(calls.count('reopenCancellation')).toBe(0);
    expect(steps(calls).slice(-3)).toEqual(['PAYMENT_DEADLINE_PASSED', 'LEDGER_RESTORED', 'FAILED']);
    // Reminders at 2, 4 and 6 days; the provider asked between them and never after the deadline at 7.
    expect(reminderTimes(calls, DAY)).toEqual([2 * DAY, 4 * DAY, 6 * DAY]);
    expect(sinceRequested(calls, 'reconcilePaymentRequest', HOUR)).toEqual(
      [1, 3, 7, 15, 27, 39, 48, 60, 72, 84, 96, 108, 120, 132, 144, 156].map((h) => h * HOUR),
    );
    expect(sinceRequested(calls, 'expirePaymentRequest', HOUR)).toEqual([168 * HOUR]);
    const { startTime, closeTime } = await handle.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(7 * DAY);
    expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(8 * DAY);
  });

  it('the notification service renders the payment request and each reminder as the process sends them, money with its currency', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id), cardOnly());
    expect(await (await start(id, { cancellationProcess: asking })).result()).toMatchObject({ status: 'FAILED' });
    const emails = renderedEmails(calls);
    expect(emails.map((e) => e.template)).toEqual([
      'PAYMENT_REQUEST',
      'PAYMENT_REQUEST_REMINDER',
      'PAYMENT_REQUEST_REMINDER',
      'PAYMENT_REQUEST_REMINDER',
    ]);
    for (const e of emails) {
      expect(e.to).toBe('ada@example.com');
      expect(e.text).toContain('40.00 EUR');
    }
  });

  it('a payment at the last moment still counts', async () => {
    const id = randomUUID();
    await serve(undoContext(id), cardOnly(), { payments: { expirePaymentRequest: async () => paymentRequest('PAID') } });
    expect(await (await start(id, { paymentDeadline: '1 day', cancellationProcess: asking })).result()).toMatchObject({
      status: 'UNDONE',
      collected: { paidAgain: 4000 },
    });
  });

  it('when the undo that stopped the cancellation fails, the cancellation process resumes under its own id', async () => {
    const id = randomUUID();
    const undo = undoContext(id, { cancellationStatus: 'IN_PROGRESS' });
    const calls = await serve(undo, cardOnly());
    const result = await (
      await start(id, { paymentDeadline: '1 day', cancellationProcess: { ...asking, supportEmail: 'help@shop.example' } })
    ).result();
    expect(result.status).toBe('FAILED');
    expect(steps(calls).slice(-2)).toEqual(['FAILED', 'CANCELLATION_PROCESS_RESUMED']);
    const resumed = await env.workflow.getHandle(undo.cancellationWorkflowId).describe();
    expect(resumed.type).toBe(CANCELLATION_WORKFLOW_TYPE);
    await env.workflow.getHandle(undo.cancellationWorkflowId).terminate('test over');
  });
});

describe('spent points refuse the undo', () => {
  it('fails the undo with the reason, asks nobody to pay, and reopens nothing', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id), [refundPart({ partId: 'points', channel: 'POINTS', amount: 4000 })], {
      payments: {
        takeBackLedger: async () => {
          throw ApplicationFailure.create({
            type: 'LedgerSpentError',
            message: 'the customer spent 4000 points meanwhile',
            nonRetryable: true,
          });
        },
      },
    });
    const result = await (await start(id)).result();
    expect(result).toMatchObject({ status: 'FAILED', reason: 'the customer spent 4000 points meanwhile' });
    expect(calls.count('takeBackLedger')).toBe(1);
    expect(calls.count('requestPayment') + calls.count('reopenCancellation')).toBe(0);
  });
});
