// Undoing a cancellation alone, its activities mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import type { UndoContext, UndoRefundPart } from '@cancelflow/domain/undo-cancellation';
import { CANCELLATION_WORKFLOW_TYPE } from '../../src/messages.ts';
import { undoCancellationWorkflow } from '../../src/undo-cancellation.ts';
import { paymentReceivedSignal, undoStateQuery, type UndoCancellationWorkflowInput } from '../../src/undo-cancellation-messages.ts';
import { startTimeSkippingEnvironment, until, type RecordedCalls, type TimeSkippingEnvironment } from './environment.ts';
import { paymentRequest, refundPart, undoActivities, undoContext, type UndoMocks } from './fixtures.ts';

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
    expect(steps(calls)).toEqual(['NOTHING_TO_COLLECT', 'REOPENED', 'UNDONE', 'RESTOCK_REVERSED', 'CHANNEL_NOTIFIED', 'CUSTOMER_NOTIFIED']);
    expect(calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template)).toEqual(['CANCELLATION_UNDONE']);
  });

  it('takes points back, stops a pending card refund, recaptures a settled one — each before the reopening', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id, { amount: 6000 }), [
      refundPart({ partId: 'points', channel: 'POINTS', amount: 1000 }),
      refundPart({ partId: 'pending', amount: 2000, status: 'PENDING', stoppable: true }),
      refundPart({ partId: 'settled', amount: 3000 }),
    ]);
    expect(await (await start(id)).result()).toEqual({ status: 'UNDONE', collected: { takenBack: 1000, stopped: 2000, recaptured: 3000, paidAgain: 0 } });
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

describe('what cannot be recaptured the customer pays again, by a deadline', () => {
  it('asks once, reminds every 2 days, and reopens once the payment arrived', async () => {
    const id = randomUUID();
    let paid = false;
    const calls = await serve(undoContext(id), cardOnly(), {
      payments: { getPaymentRequest: async () => paymentRequest(paid ? 'PAID' : 'OPEN') },
    });
    const handle = await start(id);
    await until(async () => ((await handle.query(undoStateQuery)).phase === 'WAITING_FOR_PAYMENT' ? true : undefined), 'the payment request');
    await env.sleep('5 days');
    expect((await handle.query(undoStateQuery)).remindersSent).toBe(2);
    expect(calls.count('reopenCancellation')).toBe(0);
    paid = true;
    await handle.signal(paymentReceivedSignal, { paymentRequestId: 'payment-request-1' });
    expect(await handle.result()).toEqual({ status: 'UNDONE', collected: { ...none, paidAgain: 4000 } });
    expect(calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template)).toEqual(['PAYMENT_REQUEST', 'PAYMENT_REQUEST_REMINDER', 'PAYMENT_REQUEST_REMINDER', 'CANCELLATION_UNDONE']);
    expect(calls.count('requestPayment')).toBe(1);
  });

  it('without payment by 7 days the undo FAILS, the points come back and the cancellation stays as it was', async () => {
    const id = randomUUID();
    const calls = await serve(undoContext(id), [refundPart({ partId: 'points', channel: 'POINTS', amount: 1000 }), refundPart({ amount: 3000, recapturable: false })], {
      payments: { restoreLedger: async () => ({ restored: 1000 }) },
    });
    const handle = await start(id);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'FAILED', collected: { ...none, takenBack: 1000 } });
    expect(result.reason).toContain('did not pay 3000 EUR');
    expect(calls.count('expirePaymentRequest')).toBe(1);
    expect(calls.count('restoreLedger')).toBe(1);
    expect(calls.inputsOf('failUndo')).toEqual([{ undoId: id, reason: result.reason }]);
    expect(calls.count('reopenCancellation')).toBe(0);
    expect(steps(calls).slice(-3)).toEqual(['PAYMENT_DEADLINE_PASSED', 'LEDGER_RESTORED', 'FAILED']);
    // Reminders at 2, 4 and 6 days; the deadline at 7.
    expect(calls.inputsOf<{ template: string }>('sendEmail').filter((e) => e.template === 'PAYMENT_REQUEST_REMINDER')).toHaveLength(3);
    const { startTime, closeTime } = await handle.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(7 * 86_400_000);
    expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(8 * 86_400_000);
  });

  it('a payment at the last moment still counts', async () => {
    const id = randomUUID();
    await serve(undoContext(id), cardOnly(), { payments: { expirePaymentRequest: async () => paymentRequest('PAID') } });
    expect(await (await start(id, { paymentDeadline: '1 day' })).result()).toMatchObject({ status: 'UNDONE', collected: { paidAgain: 4000 } });
  });

  it('when the undo that stopped the cancellation fails, the cancellation process resumes under its own id', async () => {
    const id = randomUUID();
    const undo = undoContext(id, { cancellationStatus: 'IN_PROGRESS' });
    const calls = await serve(undo, cardOnly());
    const result = await (await start(id, { paymentDeadline: '1 day', cancellationProcess: { supportEmail: 'help@shop.example' } })).result();
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
          throw ApplicationFailure.create({ type: 'LedgerSpentError', message: 'the customer spent 4000 points meanwhile', nonRetryable: true });
        },
      },
    });
    const result = await (await start(id)).result();
    expect(result).toMatchObject({ status: 'FAILED', reason: 'the customer spent 4000 points meanwhile' });
    expect(calls.count('takeBackLedger')).toBe(1);
    expect(calls.count('requestPayment') + calls.count('reopenCancellation')).toBe(0);
  });
});
