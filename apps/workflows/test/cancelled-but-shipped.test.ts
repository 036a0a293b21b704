import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, importOrder, unique } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import type { CreditMemoBody, ErrorBody } from '@cancelflow/domain';
import {
  cancelledButShipped,
  customerEmail,
  emailsOf,
  hasStep,
  orderWithCancelledLine,
  rebillsOf,
  replyByEmail,
  shipCancelledMugs,
  stepsOf,
  untilCancelledButShipped,
  type ShipmentAnswer,
} from './cancelled-but-shipped-helpers.ts';

let system: RunningSystem;

beforeAll(async () => {
  // Reminders are not what this file is about: the first would come after an hour.
  system = await startSystem({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '1h', CANCELLED_BUT_SHIPPED_DEADLINE: '1d' } });
});

afterAll(async () => {
  await system?.close();
});

const waitingForAcknowledgement = (id: string) =>
  untilCancelledButShipped(
    system,
    id,
    (c) => hasStep('CUSTOMER_EMAILED')(c) && c.live?.phase === 'WAITING_FOR_ACKNOWLEDGEMENT',
    'waiting for the acknowledgement',
  );

describe('cancelled but shipped: the cancelled-but-shipped process', () => {
  it('runs in order when the customer accepts by replying to the email: forward, approval, one rebill of exactly the shipped-after-cancel amount, credit memo', async () => {
    const order = await orderWithCancelledLine(system);
    const shipment = await shipCancelledMugs(system, order);
    const cancelledButShippedId = shipment.cancelledButShippedId!;

    const started = await cancelledButShipped(system, cancelledButShippedId);
    expect(started).toMatchObject({
      status: 'AWAITING_ACKNOWLEDGEMENT',
      amount: 2 * 1250,
      currency: 'EUR',
      workflowId: `cancelled-but-shipped-${shipment.id}`,
    });

    // 1. the customer is told, carrier and tracking number in plain text, no links at all.
    const email = await customerEmail(system, order.id);
    expect(email.text).toContain('Carrier: DHL');
    expect(email.text).toMatch(/Tracking number: JJD-/);
    for (const body of [email.text, email.html]) {
      expect(body).not.toMatch(/https?:\/\//i);
      expect(body).not.toMatch(/<a[\s>]/i);
    }

    // 2. the reply, over real SMTP, threaded by In-Reply-To.
    await waitingForAcknowledgement(cancelledButShippedId);
    await replyByEmail(system, email, 'I accept, I will keep the mugs.');
    const forwarded = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded to seller support',
    );
    expect(forwarded.acknowledgement).toMatchObject({
      accepted: true,
      via: 'EMAIL_REPLY',
      by: email.to,
      evidence: 'I accept, I will keep the mugs.',
    });
    expect(forwarded.acknowledgementId).toBeDefined();

    // 3. seller support receives the whole cancelled-but-shipped process: our email and the customer's reply.
    const forward = (await emailsOf(system, order.id)).find((e) => e.template === 'EMAIL_THREAD_FORWARD')!;
    expect(forward.to).toBe('seller-support@cancelflow.local');
    expect(forward.text).toContain(email.messageId);
    expect(forward.text).toContain('I accept, I will keep the mugs.');
    expect(forward.text).toContain(`In-Reply-To: ${email.messageId}`);

    // 4. support approves, twice at once: one approval, one rebill.
    const [first, second] = await Promise.all([
      system.orders.post<{ approvedBy: string; duplicate: boolean }>(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, {
        staffId: 'grace',
      }),
      system.orders.post<{ approvedBy: string; duplicate: boolean }>(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, {
        staffId: 'linus',
      }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    expect(first.body.approvedBy).toBe(second.body.approvedBy);

    const done = await untilCancelledButShipped(system, cancelledButShippedId, (c) => c.status === 'COMPLETED', 'completed');
    // The credit memo is named by a field, not only inside the step's text.
    const memo = await system.payments.get<CreditMemoBody>(`/credit-memos/${done.creditMemoId}`);
    expect(memo.body).toMatchObject({ cancelledButShippedId, amount: done.amount });
    expect(stepsOf(done)).toEqual([
      'STARTED',
      'CUSTOMER_EMAILED',
      'ACKNOWLEDGED',
      'FORWARDED_TO_SUPPORT',
      'REBILL_APPROVED',
      'REBILLED',
      'CREDIT_MEMO_ISSUED',
      'COMPLETED',
    ]);
    expect(done.steps.find((s) => s.step === 'REBILL_APPROVED')!.actor).toBe(first.body.approvedBy);
    const again = await system.orders.post<{ duplicate: boolean }>(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, {
      staffId: 'grace',
    });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);

    const rebills = await rebillsOf(system, cancelledButShippedId);
    expect(rebills).toHaveLength(1);
    expect(rebills[0]!.amount).toBe(2500);

    // Every step is on the order's timeline.
    const detail = await system.orders.get<{
      timeline: { type: string }[];
      status: string;
      lines: { shippedQuantity: number; cancelledQuantity: number }[];
    }>(`/orders/${order.id}`);
    const types = detail.body.timeline.map((e) => e.type);
    for (const step of [
      'STARTED',
      'CUSTOMER_EMAILED',
      'ACKNOWLEDGED',
      'FORWARDED_TO_SUPPORT',
      'REBILL_APPROVED',
      'REBILLED',
      'CREDIT_MEMO_ISSUED',
      'COMPLETED',
    ]) {
      expect(types).toContain(`CANCELLED_BUT_SHIPPED_${step}`);
    }
    expect(detail.body.lines[0]).toMatchObject({ shippedQuantity: 2, cancelledQuantity: 0 });
  });

  it("takes the acknowledgement recorded by support with the customer's words; an ambiguous reply waits for support", async () => {
    const order = await orderWithCancelledLine(system);
    const shipment = await shipCancelledMugs(system, order);
    const cancelledButShippedId = shipment.cancelledButShippedId!;
    const email = await customerEmail(system, order.id);
    await waitingForAcknowledgement(cancelledButShippedId);

    // Approving before the acknowledgement skips a step: refused.
    const early = await system.orders.post<{ error: { message: string } }>(
      `/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`,
      {
        staffId: 'grace',
      },
    );
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/only be approved after the customer acknowledged/);

    await replyByEmail(system, email, 'Can you call me about this?');
    await untilCancelledButShipped(system, cancelledButShippedId, hasStep('REPLY_UNDECIDED'), 'the undecided reply on the timeline');
    expect((await cancelledButShipped(system, cancelledButShippedId)).status).toBe('AWAITING_ACKNOWLEDGEMENT');

    const bad = await system.orders.post<{ error: { message: string } }>(
      `/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`,
      {
        staffId: 'grace',
        accepted: true,
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/evidence/);

    const recorded = await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
      staffId: 'grace',
      accepted: true,
      evidence: 'Phone call 21 Nov: "Yes, I keep the mugs, charge me again."',
    });
    expect(recorded.status).toBe(202);
    const forwarded = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded',
    );
    expect(forwarded.acknowledgement).toMatchObject({ accepted: true, via: 'SUPPORT_STAFF', by: 'grace' });
    const forward = (await emailsOf(system, order.id)).find((e) => e.template === 'EMAIL_THREAD_FORWARD')!;
    expect(forward.text).toContain('Yes, I keep the mugs, charge me again.');
    expect(forward.text).toContain('Can you call me about this?');

    const twice = await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
      staffId: 'linus',
      accepted: false,
      evidence: 'changed mind',
    });
    expect(twice.status).toBe(409);

    expect((await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, { staffId: 'linus' })).status).toBe(
      202,
    );
    const done = await untilCancelledButShipped(system, cancelledButShippedId, (c) => c.status === 'COMPLETED', 'completed');
    expect(stepsOf(done)).toContain('CREDIT_MEMO_ISSUED');
    expect(await rebillsOf(system, cancelledButShippedId)).toHaveLength(1);
  });

  it('turns into a return when the customer refuses, and nothing is rebilled', async () => {
    const order = await orderWithCancelledLine(system);
    const shipment = await shipCancelledMugs(system, order);
    const cancelledButShippedId = shipment.cancelledButShippedId!;
    const email = await customerEmail(system, order.id);
    await waitingForAcknowledgement(cancelledButShippedId);

    await replyByEmail(system, email, 'I refuse. Please pick them up.');
    const returned = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'RETURN_REQUESTED',
      'return requested',
    );
    expect(stepsOf(returned)).toEqual(['STARTED', 'CUSTOMER_EMAILED', 'REFUSED', 'RETURN_REQUESTED']);
    expect(returned.acknowledgement).toMatchObject({ accepted: false, via: 'EMAIL_REPLY' });

    // The customer is told, once, to return the item and that nothing is charged again; no links.
    const returnEmails = (await emailsOf(system, order.id)).filter((e) => e.template === 'CANCELLED_BUT_SHIPPED_RETURN');
    expect(returnEmails).toHaveLength(1);
    expect(returnEmails[0]).toMatchObject({ to: email.to, messageKey: `cancelled-but-shipped:${cancelledButShippedId}:return` });
    expect(returnEmails[0]!.text).toMatch(/please return the item/i);
    expect(returnEmails[0]!.text).toMatch(/nothing will be rebilled/i);
    expect(`${returnEmails[0]!.text}${returnEmails[0]!.html}`).not.toMatch(/https?:\/\/|<a[\s>]/i);

    // The return of the shipped-after-cancel mugs is opened.
    expect(returned.returnId).toBeDefined();
    const opened = await system.orders.get<{ status: string; lines: { lineId: string; quantity: number }[] }>(
      `/returns/${returned.returnId}`,
    );
    expect(opened.status).toBe(200);
    expect(opened.body.lines).toEqual([expect.objectContaining({ lineId: order.lines[0]!.id, quantity: 2 })]);
    const detail = await system.orders.get<{ lines: { returnedQuantity: number; shippedQuantity: number }[] }>(`/orders/${order.id}`);
    expect(detail.body.lines[0]).toMatchObject({ shippedQuantity: 2, returnedQuantity: 2 });

    const approval = await system.orders.post<ErrorBody>(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, {
      staffId: 'grace',
    });
    expect(approval.status).toBe(409);
    // One status word per state: the refusal says RETURN_REQUESTED, never the COMPLETED of a rebilled cancelled-but-shipped process.
    expect(approval.body.error.message).toContain('the cancelled-but-shipped process is RETURN_REQUESTED');
    expect(approval.body.error.message).not.toContain('COMPLETED');
    expect(await rebillsOf(system, cancelledButShippedId)).toHaveLength(0);
    expect((await emailsOf(system, order.id)).some((e) => e.template === 'EMAIL_THREAD_FORWARD')).toBe(false);

    const listed = await system.orders.get<{ items: { id: string }[] }>(
      `/cancelled-but-shipped?status=RETURN_REQUESTED&orderId=${order.id}`,
    );
    expect(listed.body.items.map((c) => c.id)).toEqual([cancelledButShippedId]);
  });

  it('resumes where it was when the cancellations worker is replaced while it waits for the acknowledgement', async () => {
    const order = await orderWithCancelledLine(system);
    const shipment = await shipCancelledMugs(system, order);
    const cancelledButShippedId = shipment.cancelledButShippedId!;
    await waitingForAcknowledgement(cancelledButShippedId);
    // A refused request first: the replayed history must still match after the restarts.
    expect((await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, { staffId: 'grace' })).status).toBe(
      409,
    );

    await system.restartCancellationsWorker();

    expect(
      (
        await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
          staffId: 'grace',
          accepted: true,
          evidence: 'Chat: "ok, I keep it"',
        })
      ).status,
    ).toBe(202);
    await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded after the restart',
    );

    // And once more while it waits for the approval: the new worker replays the whole story.
    await system.restartCancellationsWorker();
    const replayed = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.live?.phase === 'WAITING_FOR_REBILL_APPROVAL',
      'the live state after the second restart',
    );
    expect(replayed.acknowledgement).toMatchObject({ accepted: true, by: 'grace' });
    expect((await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/rebill-approval`, { staffId: 'grace' })).status).toBe(
      202,
    );
    const done = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'COMPLETED',
      'completed after the restart',
    );
    // Nothing ran twice: one email to the customer, one of each step.
    expect(stepsOf(done)).toEqual([
      'STARTED',
      'CUSTOMER_EMAILED',
      'ACKNOWLEDGED',
      'FORWARDED_TO_SUPPORT',
      'REBILL_APPROVED',
      'REBILLED',
      'CREDIT_MEMO_ISSUED',
      'COMPLETED',
    ]);
    expect((await emailsOf(system, order.id)).filter((e) => e.template === 'CANCELLED_BUT_SHIPPED')).toHaveLength(1);
    expect(await rebillsOf(system, cancelledButShippedId)).toHaveLength(1);
  });

  it('lists cancelled-but-shipped processes by status and answers 400/404 for bad input', async () => {
    const listed = await system.orders.get<{ items: { status: string }[] }>('/cancelled-but-shipped?status=COMPLETED');
    expect(listed.status).toBe(200);
    expect(listed.body.items.every((c) => c.status === 'COMPLETED')).toBe(true);
    const badStatus = await system.orders.get<{ error: { message: string } }>('/cancelled-but-shipped?status=LOST');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toMatch(/status: must be one of/);
    expect((await system.orders.get(`/cancelled-but-shipped/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await system.orders.post(`/cancelled-but-shipped/${crypto.randomUUID()}/rebill-approval`, { staffId: 'x' })).status).toBe(404);
  });
});

describe('fill or kill', () => {
  it('a partial shipment on walmart cancels the rest of the line at once (FILL_OR_KILL, SYSTEM) and refunds it through the cancellation workflow', async () => {
    const order = await importOrder(system.orders, {
      channel: 'walmart',
      channelOrderNo: unique('WM'),
      lines: [{ sku: 'CHAIR', quantity: 10, unitPrice: 1000 }],
    });
    const answer = await system.orders.post<ShipmentAnswer>(`/orders/${order.id}/shipments`, {
      lines: [{ lineId: order.lines[0]!.id, quantity: 3 }],
      carrier: 'UPS',
      trackingNumber: unique('1Z'),
      shipmentNumber: unique('S'),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.fillOrKillCancellationId).toBeDefined();
    expect(answer.body.cancelledButShippedId).toBeUndefined();

    const detail = await system.orders.get<{
      status: string;
      lines: { quantity: number; shippedQuantity: number; cancelledQuantity: number }[];
    }>(`/orders/${order.id}`);
    expect(detail.body.lines[0]).toMatchObject({ quantity: 10, shippedQuantity: 3, cancelledQuantity: 7 });
    expect(detail.body.status).toBe('SHIPPED');

    const cancelled = await eventually(
      async () => {
        const c = await system.orders.get<{ status: string; reason: string; initiator: string; amount: number; refundStatus?: string }>(
          `/cancellations/${answer.body.fillOrKillCancellationId}`,
        );
        return c.body.status === 'CANCELLED' ? c.body : undefined;
      },
      { what: 'the fill-or-kill cancellation to complete' },
    );
    expect(cancelled).toMatchObject({ reason: 'FILL_OR_KILL', initiator: 'SYSTEM', amount: 7000, refundStatus: 'SUCCEEDED' });
  });
});
