// The customer's cancellation request alone, its activities mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { customerCancellationRequestWorkflow } from '../../src/customer-cancellation-request.ts';
import {
  acceptCancellationRequestUpdate,
  cancellationRequestStateQuery,
  rejectCancellationRequestUpdate,
  shipmentRecordedSignal,
  withdrawCancellationRequestUpdate,
  type CustomerCancellationRequestInput,
} from '../../src/contracts/customer-cancellation-request.ts';
import { startTimeSkippingEnvironment, until, type RecordedCalls, type TimeSkippingEnvironment } from './environment.ts';
import { renderedEmails } from './emails.ts';
import { requestActivities, requestContext, type RequestMocks } from './fixtures.ts';
import type { CancellationRequestContext } from '../../src/contracts/customer-cancellation-request.ts';

let env: TimeSkippingEnvironment;
// The first run on a machine fetches the test server with Maven (npm test does that before vitest).
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const serve = (request: CancellationRequestContext, mocks: RequestMocks = {}) => env.activities(requestActivities(request, mocks));

function start(requestId: string, input: Partial<CustomerCancellationRequestInput> = {}) {
  return env.workflow.start(customerCancellationRequestWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: `cancellation-request-${requestId}`,
    args: [{ requestId, ...input }],
  });
}

const templates = (calls: RecordedCalls) => calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template);

const waiting = (handle: Awaited<ReturnType<typeof start>>) =>
  until(
    async () => ((await handle.query(cancellationRequestStateQuery)).phase === 'WAITING_FOR_MERCHANT' ? true : undefined),
    'the merchant to be asked',
  );

const accept = { staffId: 'staff-1', refundMethod: 'ORIGINAL_PAYMENT' as const, restock: true };

describe('a request the shop had not yet retrieved was cancelled at once', () => {
  it('tells the customer it was accepted, and waits for nobody', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id, { status: 'AUTO_ACCEPTED', cancellationId: 'cancellation-9' }));
    expect(await (await start(id)).result()).toEqual({
      outcome: 'AUTO_ACCEPTED',
      remindersSent: 0,
      escalated: false,
      cancellationId: 'cancellation-9',
    });
    expect(calls.inputsOf<{ template: string; data: { automatic: boolean } }>('sendEmail')).toEqual([
      expect.objectContaining({ template: 'CANCELLATION_REQUEST_ACCEPTED', data: expect.objectContaining({ automatic: true }) }),
    ]);
  });

  it('does nothing for a request that was answered before the process started', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id, { status: 'WITHDRAWN' }));
    expect(await (await start(id)).result()).toMatchObject({ outcome: 'ALREADY_CLOSED' });
    expect(calls.count('sendEmail')).toBe(0);
  });
});

describe('while the merchant does not answer, they are reminded and then escalated to', () => {
  it('reminds every 4 hours and escalates once after 48 hours, then keeps reminding', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id);
    await waiting(handle);

    await env.sleep('239 minutes'); // a minute before the first reminder
    expect(templates(calls)).toEqual(['CANCELLATION_REQUEST_RECEIVED']);

    await env.sleep('2642 minutes'); // 48 h 1 min after the start
    let state = await handle.query(cancellationRequestStateQuery);
    expect(state).toMatchObject({ remindersSent: 12, escalated: true });
    expect(calls.count('sendEmail')).toBe(1 + 12 + 1);
    expect(templates(calls).filter((t) => t === 'CANCELLATION_REQUEST_ESCALATION')).toHaveLength(1);

    await env.sleep('8 hours');
    state = await handle.query(cancellationRequestStateQuery);
    expect(state).toMatchObject({ remindersSent: 14, escalated: true });
    expect(templates(calls).filter((t) => t === 'CANCELLATION_REQUEST_ESCALATION')).toHaveLength(1);
    const events = calls.inputsOf<{ type: string; key: string }>('recordCancellationRequestEvent');
    expect(events.filter((e) => e.type === 'CANCELLATION_REQUEST_ESCALATED')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'CANCELLATION_REQUEST_REMINDER_SENT').map((e) => e.key)).toEqual(
      Array.from({ length: 14 }, (_, i) => String(i + 1)),
    );

    await handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] });
    expect(await handle.result()).toMatchObject({ outcome: 'ACCEPTED', remindersSent: 14, escalated: true });
  });

  it('uses the configured interval, deadline and address', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id, { reminderInterval: '1 hour', escalateAfter: '90 minutes', merchantEmail: 'shop@merchant.example' });
    await waiting(handle);
    await env.sleep('121 minutes');
    expect(await handle.query(cancellationRequestStateQuery)).toMatchObject({ remindersSent: 2, escalated: true });
    const toMerchant = calls
      .inputsOf<{ template: string; to: string }>('sendEmail')
      .filter((e) => e.template !== 'CANCELLATION_REQUEST_RECEIVED');
    expect(toMerchant.map((e) => e.to)).toEqual(['shop@merchant.example', 'shop@merchant.example', 'shop@merchant.example']);
    await handle.terminate('test over');
  });

  it('the notification service renders every reminder and the escalation as the process sends them, to the merchant', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id, { reminderInterval: '1 hour', escalateAfter: '90 minutes', merchantEmail: 'shop@merchant.example' });
    await waiting(handle);
    await env.sleep('121 minutes');
    await handle.executeUpdate(rejectCancellationRequestUpdate, { args: [{ staffId: 'staff-1', reason: 'already packed' }] });
    await handle.result();
    const emails = renderedEmails(calls);
    expect(emails.map((e) => e.template)).toEqual([
      'CANCELLATION_REQUEST_RECEIVED',
      'CANCELLATION_REQUEST_REMINDER',
      'CANCELLATION_REQUEST_ESCALATION',
      'CANCELLATION_REQUEST_REMINDER',
      'CANCELLATION_REQUEST_REJECTED',
    ]);
    for (const e of emails.filter(
      (m) => m.template !== 'CANCELLATION_REQUEST_RECEIVED' && m.template !== 'CANCELLATION_REQUEST_REJECTED',
    )) {
      expect(e.to).toBe('shop@merchant.example');
      expect(e.text).toContain('WEB-1002');
    }
  });

  it('sends no reminder once the merchant answered', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id);
    await waiting(handle);
    await handle.executeUpdate(rejectCancellationRequestUpdate, { args: [{ staffId: 'staff-1', reason: 'already packed' }] });
    expect(await handle.result()).toMatchObject({ outcome: 'REJECTED', remindersSent: 0, escalated: false });
    expect(templates(calls)).toEqual(['CANCELLATION_REQUEST_RECEIVED', 'CANCELLATION_REQUEST_REJECTED']);
  });
});

describe('the merchant answers, the customer withdraws, or a shipment closes the request', () => {
  it('accepting starts the cancellation and tells the customer', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id);
    await waiting(handle);
    expect(await handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] })).toEqual({
      cancellationId: 'cancellation-from-request',
      workflowId: 'cancellation-cancellation-from-request',
    });
    expect(await handle.result()).toMatchObject({ outcome: 'ACCEPTED', cancellationId: 'cancellation-from-request' });
    expect(calls.inputsOf('acceptCancellationRequest')).toEqual([{ requestId: id, ...accept }]);
    expect(templates(calls)).toEqual(['CANCELLATION_REQUEST_RECEIVED', 'CANCELLATION_REQUEST_ACCEPTED']);
  });

  it('a rejection of goods that shipped tells the customer to return them', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id), { requests: { rejectCancellationRequest: async () => ({ returnInstead: true }) } });
    const handle = await start(id);
    await waiting(handle);
    expect(await handle.executeUpdate(rejectCancellationRequestUpdate, { args: [{ staffId: 'staff-1', reason: 'shipped' }] })).toEqual({
      returnInstead: true,
    });
    await handle.result();
    expect(templates(calls)).toEqual(['CANCELLATION_REQUEST_RECEIVED', 'CANCELLATION_REQUEST_REJECTED_RETURN']);
  });

  it('a withdrawn request sends the customer nothing more', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id);
    await waiting(handle);
    await handle.executeUpdate(withdrawCancellationRequestUpdate, { args: [{ comment: 'found it' }] });
    expect(await handle.result()).toMatchObject({ outcome: 'WITHDRAWN' });
    expect(calls.inputsOf('withdrawCancellationRequest')).toEqual([{ requestId: id, comment: 'found it' }]);
    expect(templates(calls)).toEqual(['CANCELLATION_REQUEST_RECEIVED']);
  });

  it('a shipment closes the request and the customer is told to return the goods', async () => {
    const id = randomUUID();
    const calls = await serve(requestContext(id));
    const handle = await start(id);
    await waiting(handle);
    await handle.signal(shipmentRecordedSignal, { orderId: 'order-2', shipmentId: 'shipment-1' });
    expect(await handle.result()).toMatchObject({ outcome: 'REJECTED_SHIPPED' });
    expect(calls.inputsOf<{ template: string; data: { shipped: boolean } }>('sendEmail')[1]).toMatchObject({
      template: 'CANCELLATION_REQUEST_REJECTED_RETURN',
      data: { shipped: true },
    });
  });

  it('a shipment that closed the request without its signal arriving: the process re-reads the request when it wakes, reminds no more and tells the customer', async () => {
    const id = randomUUID();
    let closedByShipment = false;
    const calls = await serve(requestContext(id), {
      requests: { loadCancellationRequest: async () => requestContext(id, closedByShipment ? { status: 'REJECTED' } : {}) },
    });
    const handle = await start(id);
    await waiting(handle);
    await env.sleep('5 hours'); // one reminder: the request was still open when it was re-read
    expect((await handle.query(cancellationRequestStateQuery)).remindersSent).toBe(1);
    expect(calls.names().lastIndexOf('loadCancellationRequest')).toBeLessThan(calls.names().lastIndexOf('sendEmail'));

    closedByShipment = true; // the order service closed it, and its signal was lost
    expect(await handle.result()).toMatchObject({ outcome: 'REJECTED_SHIPPED', remindersSent: 1 });
    expect(calls.count('loadCancellationRequest')).toBe(3); // at the start, at 4 and at 8 hours
    expect(calls.inputsOf<{ template: string; data: { shipped: boolean } }>('sendEmail').slice(1)).toEqual([
      expect.objectContaining({ template: 'CANCELLATION_REQUEST_REMINDER' }),
      expect.objectContaining({ template: 'CANCELLATION_REQUEST_REJECTED_RETURN', data: expect.objectContaining({ shipped: true }) }),
    ]);
  });

  it('a second answer is refused once the request is closed', async () => {
    const id = randomUUID();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let telling!: () => void;
    const tellingCustomer = new Promise<void>((resolve) => (telling = resolve));
    await serve(requestContext(id), {
      notifications: {
        sendEmail: async ({ template, messageKey }) => {
          if (template === 'CANCELLATION_REQUEST_REJECTED_RETURN') {
            telling();
            await released;
          }
          return { messageId: `<${messageKey}@cancelflow.test>` };
        },
      },
    });
    const handle = await start(id);
    await waiting(handle);
    await handle.signal(shipmentRecordedSignal, { orderId: 'order-2' });
    await tellingCustomer;
    await expect(handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] })).rejects.toThrow(WorkflowUpdateFailedError);
    release();
    expect(await handle.result()).toMatchObject({ outcome: 'REJECTED_SHIPPED' });
  });

  it('an answer the order service refuses goes back to the merchant, unretried, and the request stays open', async () => {
    const id = randomUUID();
    let refusals = 0;
    const calls = await serve(requestContext(id), {
      requests: {
        acceptCancellationRequest: async () => {
          refusals += 1;
          throw ApplicationFailure.create({ type: 'ConflictError', message: 'the order shipped meanwhile' });
        },
      },
    });
    const handle = await start(id);
    await waiting(handle);
    const refused = await handle.executeUpdate(acceptCancellationRequestUpdate, { args: [accept] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String((refused as WorkflowUpdateFailedError).cause?.message)).toContain('the order shipped meanwhile');
    expect(refusals).toBe(1);
    expect((await handle.query(cancellationRequestStateQuery)).phase).toBe('WAITING_FOR_MERCHANT');
    await handle.executeUpdate(withdrawCancellationRequestUpdate, { args: [{}] });
    expect(await handle.result()).toMatchObject({ outcome: 'WITHDRAWN' });
    expect(calls.count('acceptCancellationRequest')).toBe(1);
  });
});
