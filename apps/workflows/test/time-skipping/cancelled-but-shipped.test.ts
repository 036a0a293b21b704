// Cancelled but shipped alone, its activities mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { cancelledButShippedWorkflow } from '../../src/cancelled-but-shipped.ts';
import {
  approveRebillUpdate,
  cancelledButShippedStateQuery,
  emailReplyReceivedSignal,
  recordAcknowledgementUpdate,
  type CancelledButShippedInput,
  type EmailReply,
} from '../../src/contracts/cancelled-but-shipped.ts';
import { startTimeSkippingEnvironment, until, type RecordedCalls, type TimeSkippingEnvironment } from './environment.ts';
import { renderedEmails } from './emails.ts';
import { cancelledButShippedActivities, cancelledButShippedContext, type CancelledButShippedMocks } from './fixtures.ts';
import type { CancelledButShippedContext } from '../../src/contracts/cancelled-but-shipped.ts';

let env: TimeSkippingEnvironment;
// The first run on a machine fetches the test server with Maven (npm test does that before vitest).
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const serve = (cancelledButShipped: CancelledButShippedContext, mocks: CancelledButShippedMocks = {}) =>
  env.activities(cancelledButShippedActivities(cancelledButShipped, mocks));

function start(cancelledButShippedId: string, input: Partial<CancelledButShippedInput> = {}) {
  return env.workflow.start(cancelledButShippedWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: `cancelled-but-shipped-${cancelledButShippedId}`,
    args: [{ cancelledButShippedId, ...input }],
  });
}

type Handle = Awaited<ReturnType<typeof start>>;

const phase = (handle: Handle, wanted: string) =>
  until(async () => ((await handle.query(cancelledButShippedStateQuery)).phase === wanted ? true : undefined), `phase ${wanted}`);

const steps = (calls: RecordedCalls) => calls.inputsOf<{ step: string }>('recordCancelledButShippedStep').map((s) => s.step);
const templates = (calls: RecordedCalls) => calls.inputsOf<{ template: string }>('sendEmail').map((e) => e.template);

const reply = (text: string, n = 1): EmailReply => ({
  mailboxMessageId: `mailbox-${n}`,
  messageId: `<reply-${n}@customer.example>`,
  inReplyTo: '<cancelled-but-shipped@cancelflow.test>',
  from: 'ada@example.com',
  subject: 'Re: your order shipped after all',
  text,
  receivedAt: '2026-12-02T08:00:00.000Z',
});

describe('the customer is emailed before anything else, and replies to that email are watched first', () => {
  it('watches replies, then sends the email, then records it', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    expect(calls.names().filter((n) => n !== 'loadCancelledButShipped')).toEqual([
      'watchReplies',
      'sendEmail',
      'recordCancelledButShippedStep',
    ]);
    expect(templates(calls)).toEqual(['CANCELLED_BUT_SHIPPED']);
  });
});

describe('an acknowledged cancelled-but-shipped process is forwarded, rebilled once after approval, and the seller paid by credit memo', () => {
  it('a "yes" by email is the acknowledgement; nothing is rebilled before support approves', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.signal(emailReplyReceivedSignal, reply('Yes, I accept.\n\nOn Tue someone wrote:\n> no'));
    await phase(handle, 'WAITING_FOR_REBILL_APPROVAL');
    await env.sleep('30 days');
    expect(calls.count('rebillCustomer')).toBe(0);

    expect(await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] })).toEqual({
      approved: true,
      approvedBy: 'staff-2',
      duplicate: false,
    });
    expect(await handle.result()).toEqual({ outcome: 'REBILLED', rebillId: 'rebill-1', creditMemoId: 'memo-1' });
    expect(calls.inputsOf('rebillCustomer')).toEqual([
      { cancelledButShippedId: id, orderId: 'order-3', amount: 2500, currency: 'EUR', approvedBy: 'staff-2' },
    ]);
    expect(calls.inputsOf<{ acknowledgementId: string }>('issueCreditMemo').map((m) => m.acknowledgementId)).toEqual(['ack-1']);
    expect(
      calls.inputsOf<{ acknowledgement: { via: string; evidence: string } }>('recordCustomerAcknowledgement')[0]!.acknowledgement,
    ).toMatchObject({
      via: 'EMAIL_REPLY',
      evidence: 'Yes, I accept.',
    });
    expect(steps(calls)).toEqual([
      'CUSTOMER_EMAILED',
      'ACKNOWLEDGED',
      'FORWARDED_TO_SUPPORT',
      'REBILL_APPROVED',
      'REBILLED',
      'CREDIT_MEMO_ISSUED',
      'COMPLETED',
    ]);
  });

  it('support may approve only after the acknowledgement and the forward; a repeat approval does nothing', async () => {
    const id = randomUUID();
    let forwarding!: () => void;
    const forwarded = new Promise<void>((resolve) => (forwarding = resolve));
    const calls = await serve(cancelledButShippedContext(id), {
      notifications: {
        forwardEmailThread: async () => {
          await forwarded;
          return { messageId: '<forward@cancelflow.test>' };
        },
      },
    });
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    expect(await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] })).toMatchObject({
      approved: false,
      duplicate: false,
    });
    await handle.executeUpdate(recordAcknowledgementUpdate, {
      args: [{ staffId: 'staff-3', accepted: true, evidence: 'said yes on the phone' }],
    });
    await phase(handle, 'FORWARDING');
    expect(await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] })).toMatchObject({ approved: false });
    forwarding();
    await phase(handle, 'WAITING_FOR_REBILL_APPROVAL');
    await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] });
    expect(await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-9' }] })).toEqual({
      approved: true,
      approvedBy: 'staff-2',
      duplicate: true,
    });
    await handle.result();
    expect(calls.count('rebillCustomer')).toBe(1);
  });

  it('the forward includes every reminder the customer may have answered', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await env.sleep('7 days'); // two reminders
    await handle.executeUpdate(recordAcknowledgementUpdate, {
      args: [{ staffId: 'self-service', accepted: true, evidence: 'ok', via: 'SELF_SERVICE' }],
    });
    await phase(handle, 'WAITING_FOR_REBILL_APPROVAL');
    const [forward] = calls.inputsOf<{ rootMessageKeys: string[] }>('forwardEmailThread');
    expect(forward!.rootMessageKeys).toEqual([
      `cancelled-but-shipped:${id}`,
      `cancelled-but-shipped:${id}:reminder:1`,
      `cancelled-but-shipped:${id}:reminder:2`,
    ]);
  });

  it('a credit memo the payment service refuses fails the cancelled-but-shipped process for good, unretried', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id), {
      payments: {
        issueCreditMemo: async () => {
          throw ApplicationFailure.create({ type: 'RuleViolationError', message: 'no accepting acknowledgement' });
        },
      },
    });
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.signal(emailReplyReceivedSignal, reply('yes'));
    await phase(handle, 'WAITING_FOR_REBILL_APPROVAL');
    await handle.executeUpdate(approveRebillUpdate, { args: [{ staffId: 'staff-2' }] });
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(calls.count('issueCreditMemo')).toBe(1);
  });
});

describe('without an acceptance the cancelled-but-shipped process becomes a return and nothing is rebilled', () => {
  it('reminds every 3 days and, with no answer by 14 days, requests the return and tells the customer', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    expect(await handle.result()).toEqual({ outcome: 'RETURN_REQUESTED' });
    expect(templates(calls)).toEqual([
      'CANCELLED_BUT_SHIPPED',
      'CANCELLED_BUT_SHIPPED_REMINDER',
      'CANCELLED_BUT_SHIPPED_REMINDER',
      'CANCELLED_BUT_SHIPPED_REMINDER',
      'CANCELLED_BUT_SHIPPED_REMINDER',
      'CANCELLED_BUT_SHIPPED_RETURN',
    ]);
    // Each reminder is watched for replies before it is sent.
    expect(calls.inputsOf<{ messageKey: string }>('watchReplies').map((w) => w.messageKey)).toHaveLength(5);
    expect(steps(calls)).toEqual([
      'CUSTOMER_EMAILED',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'REMINDER_SENT',
      'NO_ANSWER',
      'RETURN_REQUESTED',
    ]);
    expect(calls.count('rebillCustomer') + calls.count('issueCreditMemo') + calls.count('recordCustomerAcknowledgement')).toBe(0);
    const { startTime, closeTime } = await handle.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(14 * 86_400_000);
    expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(15 * 86_400_000);
  });

  it('with no answer, each reminder names carrier and tracking number, the return is opened, and the customer is told, once, that no answer came', async () => {
    const id = randomUUID();
    const cancelledButShipped = cancelledButShippedContext(id);
    const calls = await serve(cancelledButShipped);
    expect(await (await start(id, { reminderInterval: '1 day', acknowledgementDeadline: '2 days' })).result()).toEqual({
      outcome: 'RETURN_REQUESTED',
    });
    type Sent = { messageKey: string; to: string; template: string; data: Record<string, unknown> };
    const sent = calls.inputsOf<Sent>('sendEmail');
    const reminders = sent.filter((e) => e.template === 'CANCELLED_BUT_SHIPPED_REMINDER');
    expect(reminders).toHaveLength(1);
    for (const reminder of reminders) {
      expect(reminder).toMatchObject({ to: cancelledButShipped.customer.email, data: { carrier: 'DHL', trackingNumber: 'JJD000390007' } });
    }
    expect(sent.filter((e) => e.template === 'CANCELLED_BUT_SHIPPED_RETURN')).toEqual([
      expect.objectContaining({
        messageKey: `cancelled-but-shipped:${id}:return`,
        to: cancelledButShipped.customer.email,
        data: expect.objectContaining({ reason: 'NO_ANSWER', carrier: 'DHL', trackingNumber: 'JJD000390007', alreadyReturned: false }),
      }),
    ]);
    expect(calls.inputsOf<{ cancelledButShippedId: string }>('openReturnForCancelledButShipped')).toEqual([
      expect.objectContaining({ cancelledButShippedId: id }),
    ]);
    // The notification service renders each as sent: the reminder and the no-answer return email.
    const [reminder, returned] = renderedEmails(calls).filter((e) => e.template !== 'CANCELLED_BUT_SHIPPED');
    expect(reminder).toMatchObject({ template: 'CANCELLED_BUT_SHIPPED_REMINDER', text: expect.stringContaining('Carrier: DHL') });
    expect(returned!.template).toBe('CANCELLED_BUT_SHIPPED_RETURN');
    expect(returned!.text).toMatch(/did not hear from you/);
    expect(returned!.text).toMatch(/nothing will be rebilled/i);
    // The return is opened before the customer is asked to send the item back.
    expect(calls.names().indexOf('openReturnForCancelledButShipped')).toBeLessThan(calls.names().lastIndexOf('sendEmail'));
    expect(calls.count('recordCustomerAcknowledgement') + calls.count('rebillCustomer') + calls.count('forwardEmailThread')).toBe(0);
  });

  it('a refusal by email turns the cancelled-but-shipped process into a return at once', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.signal(emailReplyReceivedSignal, reply('No, I do not want it'));
    expect(await handle.result()).toEqual({ outcome: 'RETURN_REQUESTED' });
    expect(steps(calls)).toEqual(['CUSTOMER_EMAILED', 'REFUSED', 'RETURN_REQUESTED']);
    expect(calls.inputsOf<{ data: { reason: string } }>('sendEmail')[1]!.data.reason).toBe('REFUSED');
    expect(calls.count('rebillCustomer')).toBe(0);
  });

  it('an undecided reply goes to support and the cancelled-but-shipped process keeps waiting; a repeated reply counts once', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.signal(emailReplyReceivedSignal, reply('What is this about?', 1));
    await handle.signal(emailReplyReceivedSignal, reply('What is this about?', 1));
    await until(
      async () => ((await handle.query(cancelledButShippedStateQuery)).undecidedReplies === 1 ? true : undefined),
      'the reply to be read',
    );
    expect(steps(calls)).toEqual(['CUSTOMER_EMAILED', 'REPLY_UNDECIDED']);
    expect((await handle.query(cancelledButShippedStateQuery)).phase).toBe('WAITING_FOR_ACKNOWLEDGEMENT');
    await handle.executeUpdate(recordAcknowledgementUpdate, {
      args: [{ staffId: 'staff-3', accepted: false, evidence: 'refused on the phone' }],
    });
    expect(await handle.result()).toEqual({ outcome: 'RETURN_REQUESTED' });
  });

  it('the acknowledgement can be recorded once: a second record is refused', async () => {
    const id = randomUUID();
    await serve(cancelledButShippedContext(id));
    const handle = await start(id);
    await phase(handle, 'WAITING_FOR_ACKNOWLEDGEMENT');
    expect(
      await handle.executeUpdate(recordAcknowledgementUpdate, { args: [{ staffId: 'staff-3', accepted: true, evidence: 'yes' }] }),
    ).toEqual({ recorded: true, accepted: true });
    const second = await handle.executeUpdate(recordAcknowledgementUpdate, {
      args: [{ staffId: 'staff-4', accepted: false, evidence: 'no' }],
    });
    expect(second).toMatchObject({ recorded: false });
    await phase(handle, 'WAITING_FOR_REBILL_APPROVAL');
  });

  it('uses the configured reminder interval and deadline', async () => {
    const id = randomUUID();
    const calls = await serve(cancelledButShippedContext(id));
    const handle = await start(id, { reminderInterval: '1 day', acknowledgementDeadline: '2 days' });
    expect(await handle.result()).toEqual({ outcome: 'RETURN_REQUESTED' });
    expect(steps(calls).filter((s) => s === 'REMINDER_SENT')).toHaveLength(1);
  });
});
