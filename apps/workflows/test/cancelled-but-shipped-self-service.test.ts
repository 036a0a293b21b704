import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unique, type ApiClient } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { DEVELOPMENT_SELF_SERVICE_SECRET } from '@cancelflow/order-service/config';
import { mintSelfServiceLink } from '@cancelflow/order-service/self-service/tokens';
import {
  cancelledButShipped,
  customerEmail,
  emailsOf,
  hasStep,
  orderWithCancelledLine,
  shipCancelledMugs,
  untilCancelledButShipped,
} from './cancelled-but-shipped-helpers.ts';

let system: RunningSystem;
let customer: ApiClient;
const selfService = { secret: DEVELOPMENT_SELF_SERVICE_SECRET, ttlSeconds: 3600, baseUrl: 'http://shop.example/self-service' };

beforeAll(async () => {
  system = await startSystem({ env: { CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: '1h', CANCELLED_BUT_SHIPPED_DEADLINE: '1d' } });
  customer = system.orders.anonymous();
});

afterAll(async () => {
  await system?.close();
});

interface SelfServiceCancelledButShipped {
  id: string;
  status: string;
  awaitingAcknowledgement: boolean;
  carrier: string;
  trackingNumber: string;
  amount: number;
  currency: string;
  lines: { lineId: string; sku: string; quantity: number; unitPrice: number }[];
}

const tokenFor = async (orderId: string, now?: Date) => (await mintSelfServiceLink(selfService, orderId, now)).token;
const q = (token: string) => `?token=${encodeURIComponent(token)}`;
const acknowledge = (cancelledButShippedId: string, token: string, body: unknown) =>
  customer.post<{ cancelledButShippedId: string; accepted: boolean; error: { message: string } }>(
    `/self-service/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement${q(token)}`,
    body,
  );

/** An order with a cancelled-but-shipped process whose workflow waits for the customer's answer. */
async function waitingCancelledButShipped() {
  const order = await orderWithCancelledLine(system);
  const shipment = await shipCancelledMugs(system, order);
  const cancelledButShippedId = shipment.cancelledButShippedId!;
  await customerEmail(system, order.id);
  await untilCancelledButShipped(
    system,
    cancelledButShippedId,
    (c) => hasStep('CUSTOMER_EMAILED')(c) && c.live?.phase === 'WAITING_FOR_ACKNOWLEDGEMENT',
    'waiting for the acknowledgement',
  );
  return { order, cancelledButShippedId, token: await tokenFor(order.id) };
}

describe('cancelled but shipped: the customer answers on the self-service page', () => {
  it("the customer sees what shipped though cancelled (carrier, tracking, amount to be rebilled) and accepts in their own words; the cancelled-but-shipped process goes on as after support's record", async () => {
    const { order, cancelledButShippedId, token } = await waitingCancelledButShipped();
    const view = await customer.get<{ cancelledButShipped: SelfServiceCancelledButShipped[] }>(
      `/self-service/orders/${order.id}${q(token)}`,
    );
    expect(view.status).toBe(200);
    const detail = await cancelledButShipped(system, cancelledButShippedId);
    expect(view.body.cancelledButShipped).toEqual([
      expect.objectContaining({
        id: cancelledButShippedId,
        status: 'AWAITING_ACKNOWLEDGEMENT',
        awaitingAcknowledgement: true,
        carrier: 'DHL',
        trackingNumber: expect.stringMatching(/^JJD/),
        amount: detail.amount,
        currency: detail.currency,
        lines: [expect.objectContaining({ lineId: order.lines[0]!.id, quantity: 2 })],
      }),
    ]);

    const answer = await acknowledge(cancelledButShippedId, token, {
      accepted: true,
      statement: 'I keep the mugs, please charge me again.',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    expect(answer.body).toMatchObject({ cancelledButShippedId, accepted: true });

    const forwarded = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded to seller support',
    );
    expect(forwarded.acknowledgement).toMatchObject({ accepted: true, via: 'SELF_SERVICE', by: 'customer (self-service page)' });
    expect(forwarded.acknowledgement!.evidence).toMatch(/self-service page/);
    // The step and the order's timeline say where the answer came from, not "recorded by support".
    const acknowledged = forwarded.steps.find((s) => s.step === 'ACKNOWLEDGED')!;
    expect(acknowledged.detail).toMatch(/^answered by the customer on the self-service page: /);
    const timeline = await system.orders.get<{ timeline: { type: string; detail: { cancelledButShippedId?: string; detail?: string } }[] }>(
      `/orders/${order.id}`,
    );
    const event = timeline.body.timeline.find(
      (e) => e.type === 'CANCELLED_BUT_SHIPPED_ACKNOWLEDGED' && e.detail.cancelledButShippedId === cancelledButShippedId,
    );
    expect(event?.detail.detail).toMatch(/self-service page/);
    expect(event?.detail.detail).not.toMatch(/recorded by support/);
    expect(forwarded.acknowledgement!.evidence).toContain('I keep the mugs, please charge me again.');
    const forward = (await emailsOf(system, order.id)).find((e) => e.template === 'EMAIL_THREAD_FORWARD')!;
    expect(forward.text).toContain('I keep the mugs, please charge me again.');
    expect(forward.text).toMatch(/accepted on the self-service page/);

    // Answered: the page no longer offers it, and a second answer is refused without changing anything.
    const after = await customer.get<{ cancelledButShipped: SelfServiceCancelledButShipped[] }>(
      `/self-service/orders/${order.id}${q(token)}`,
    );
    expect(after.body.cancelledButShipped[0]).toMatchObject({ id: cancelledButShippedId, awaitingAcknowledgement: false });
    const again = await acknowledge(cancelledButShippedId, token, { accepted: false, statement: 'Actually no.' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already settled/);
    expect((await cancelledButShipped(system, cancelledButShippedId)).acknowledgement).toMatchObject({ accepted: true });
  });

  it('a refusal on the page turns the cancelled-but-shipped process into a return and nothing is rebilled', async () => {
    const { cancelledButShippedId, token } = await waitingCancelledButShipped();
    const answer = await acknowledge(cancelledButShippedId, token, {
      accepted: false,
      statement: 'I did not want them, please pick them up.',
    });
    expect(answer.status).toBe(202);
    const returned = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'RETURN_REQUESTED',
      'return requested',
    );
    expect(returned.acknowledgement).toMatchObject({ accepted: false, via: 'SELF_SERVICE', by: 'customer (self-service page)' });
    expect(returned.steps.find((s) => s.step === 'REFUSED')!.detail).toMatch(/^answered by the customer on the self-service page: /);
  });

  it("refuses without writing: no statement (400), another order's cancelled-but-shipped process (404), a tampered or expired link (401)", async () => {
    const { order, cancelledButShippedId, token } = await waitingCancelledButShipped();
    const other = await orderWithCancelledLine(system, `${unique('other')}@example.com`);
    const otherToken = await tokenFor(other.id);

    const noStatement = await acknowledge(cancelledButShippedId, token, { accepted: true });
    expect(noStatement.status).toBe(400);
    expect(noStatement.body.error.message).toMatch(/statement: is required/);
    const blank = await acknowledge(cancelledButShippedId, token, { accepted: true, statement: '   ' });
    expect(blank.status).toBe(400);
    const notBoolean = await acknowledge(cancelledButShippedId, token, { accepted: 'yes', statement: 'I keep them' });
    expect(notBoolean.status).toBe(400);
    expect(notBoolean.body.error.message).toMatch(/accepted: must be true/);

    const foreign = await acknowledge(cancelledButShippedId, otherToken, { accepted: true, statement: 'I keep them' });
    expect(foreign.status).toBe(404);
    const unknown = await acknowledge(crypto.randomUUID(), token, { accepted: true, statement: 'I keep them' });
    expect(unknown.status).toBe(404);

    const tampered = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect((await acknowledge(cancelledButShippedId, tampered, { accepted: true, statement: 'I keep them' })).status).toBe(401);
    const expired = await tokenFor(order.id, new Date(Date.now() - 2 * 3600_000));
    const late = await acknowledge(cancelledButShippedId, expired, { accepted: true, statement: 'I keep them' });
    expect(late.status).toBe(401);
    expect(late.body.error.message).toMatch(/expired/);
    expect(
      (
        await customer.post(`/self-service/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
          accepted: true,
          statement: 'I keep them',
        })
      ).status,
    ).toBe(401);

    const untouched = await cancelledButShipped(system, cancelledButShippedId);
    expect(untouched.status).toBe('AWAITING_ACKNOWLEDGEMENT');
    expect(untouched.acknowledgement).toBeUndefined();
    expect(untouched.live?.phase).toBe('WAITING_FOR_ACKNOWLEDGEMENT');
    expect(untouched.steps.map((s) => s.step)).toEqual(['STARTED', 'CUSTOMER_EMAILED']);
  });

  it('a cancelled-but-shipped process that does not wait for an acknowledgement is refused (409) and left as it was', async () => {
    const { cancelledButShippedId, token } = await waitingCancelledButShipped();
    const support = await system.orders.post(`/cancelled-but-shipped/${cancelledButShippedId}/acknowledgement`, {
      staffId: 'grace',
      accepted: true,
      evidence: 'Phone: "keep them"',
    });
    expect(support.status).toBe(202);
    const refused = await acknowledge(cancelledButShippedId, token, { accepted: false, statement: 'No, take them back' });
    expect(refused.status).toBe(409);
    const settled = await untilCancelledButShipped(
      system,
      cancelledButShippedId,
      (c) => c.status === 'AWAITING_REBILL_APPROVAL',
      'forwarded',
    );
    expect(settled.acknowledgement).toMatchObject({ accepted: true, via: 'SUPPORT_STAFF', by: 'grace' });
  });
});
