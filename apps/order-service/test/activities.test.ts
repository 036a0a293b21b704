import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationFailure, arrayFromPayloads, defaultPayloadConverter } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';
import { createOrderActivities } from '../src/activities/index.ts';
import type { RunningOrderService } from '../src/service.ts';
import { client, orderInput, startTestService, unique } from './helpers.ts';
import type { CancellationWorkflowInput, OrderActivities } from '@cancelflow/workflows/contracts/cancellation';

let service: RunningOrderService;
let api: ReturnType<typeof client>;
let activities: OrderActivities;

beforeAll(async () => {
  service = await startTestService();
  api = client(service);
  activities = createOrderActivities({ db: service.db });
});
afterAll(async () => {
  await service?.close();
});

/** Imports an order and cancels it through the API; the workflow is terminated at once so that
 * only this test drives the activities. */
async function cancelledOrder(
  channel: Parameters<typeof orderInput>[1],
  options: { restock?: boolean; whole?: boolean; order?: Record<string, unknown> } = {},
) {
  const order = (await api.post('/orders', orderInput(options.order ?? {}, channel))).body;
  const lines = options.whole
    ? order.lines.map((l: { id: string; quantity: number }) => ({ lineId: l.id, quantity: l.quantity }))
    : [{ lineId: order.lines[0]!.id, quantity: 1 }];
  const answer = await api.post(`/orders/${order.id}/cancellations`, {
    reason: 'CUSTOMER_REQUEST',
    merchantCancellationNumber: unique('MCN'),
    restock: options.restock ?? false,
    lines,
  });
  expect(answer.status).toBe(202);
  await service.temporal.workflow.getHandle(answer.body.workflowId).terminate('driven by the activities test');
  return {
    orderId: order.id as string,
    lineIds: order.lines.map((l: { id: string }) => l.id) as string[],
    cancellationId: answer.body.cancellationId as string,
    workflowId: answer.body.workflowId as string,
  };
}

const count = async (sql: string, params: unknown[]) => Number((await service.db.em.fork().execute<{ n: string }[]>(sql, params))[0]!.n);

interface Step {
  step: string;
  key?: string;
  detail?: string;
  actor: string;
}
const stepsOf = async (cancellationId: string): Promise<Step[]> => (await api.get(`/cancellations/${cancellationId}`)).body.steps as Step[];
const timelineOf = async (orderId: string): Promise<{ type: string; step?: string; cancellationId?: string }[]> =>
  (await api.get(`/orders/${orderId}`)).body.timeline;
/** The order events of the order, as written (the timeline adds the steps to them). */
const orderEvents = async (orderId: string): Promise<string[]> =>
  (
    await service.db.em
      .fork()
      .execute<{ type: string }[]>(`select "type" from "orders"."order_event" where "order_id" = ? order by "at"`, [orderId])
  ).map((e) => e.type);

describe('loadCancellation', () => {
  it('returns what the workflow needs: order, customer, cancelled lines, amount and payments', async () => {
    const { orderId, lineIds, cancellationId } = await cancelledOrder('amazon');
    const context = await activities.loadCancellation(cancellationId);
    expect(context).toMatchObject({
      cancellationId,
      orderId,
      channel: 'amazon',
      thirdPartyManaged: false,
      currency: 'EUR',
      amount: 1000,
      refundMethod: 'ORIGINAL_PAYMENT',
      restock: false,
      reason: 'CUSTOMER_REQUEST',
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      lines: [{ lineId: lineIds[0], lineNo: 1, sku: 'MUG-1', quantity: 1, unitPrice: 1000 }],
      payments: [{ method: 'CARD', amount: 4500 }],
    });
  });

  it('is what the reservation gave the process when it started it', async () => {
    const { cancellationId, workflowId } = await cancelledOrder('webshop', { restock: true, whole: true });
    const history = await service.temporal.workflow.getHandle(workflowId).fetchHistory();
    const [input] = await arrayFromPayloads(
      defaultPayloadConverter,
      history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!,
    );
    expect((input as CancellationWorkflowInput).cancellation).toEqual(await activities.loadCancellation(cancellationId));
  });

  it('a cancellation still missing 30 s after the activity was first scheduled fails for good: its reservation rolled back', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const lookingSince = async (ms: number): Promise<ApplicationFailure> =>
      new MockActivityEnvironment({ scheduledTimestampMs: Date.now() - ms })
        .run(() => activities.notifyChannelOfCancellation(missing))
        .then(
          () => {
            throw new Error('a missing cancellation was notified');
          },
          (e: unknown) => e as ApplicationFailure,
        );
    const early = await lookingSince(1_000);
    expect(early).toMatchObject({ type: ACTIVITY_FAILURES.cancellationNotFound, nonRetryable: false });
    const late = await lookingSince(31_000);
    expect(late).toMatchObject({ type: ACTIVITY_FAILURES.cancellationNotFound, nonRetryable: true });
    expect(late.message).toMatch(/did not commit/);
  });

  it('a cancellation that is not there (yet) is a retryable failure; a malformed id is not', async () => {
    const missing = await activities.loadCancellation('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApplicationFailure);
    expect((missing as ApplicationFailure).nonRetryable).toBe(false);
    const malformed = await activities.loadCancellation('nope').catch((e: unknown) => e);
    expect((malformed as ApplicationFailure).nonRetryable).toBe(true);
  });
});

describe('restockCancellation', () => {
  it('tells the inventory once per line, however often it runs', async () => {
    const { orderId, cancellationId } = await cancelledOrder('webshop', { restock: true, whole: true });
    await activities.restockCancellation(cancellationId);
    await activities.restockCancellation(cancellationId);
    const movements = (await api.get(`/sandbox/inventory-movements?orderId=${orderId}`)).body.items;
    expect(movements.map((m: { sku: string; quantity: number }) => [m.sku, m.quantity])).toEqual([
      ['MUG-1', 2],
      ['TEA-9', 1],
    ]);
    expect(movements[0]!.idempotencyKey).toMatch(new RegExp(`^restock:${cancellationId}:`));
    // Run again after its transaction committed (a retry), it writes its step no second time.
    expect((await stepsOf(cancellationId)).map((s) => s.step)).toEqual(['RESERVED', 'RESTOCKED']);
  });

  it('does not restock when the cancellation did not ask for it', async () => {
    const { orderId, cancellationId } = await cancelledOrder('webshop', { restock: false });
    await activities.restockCancellation(cancellationId);
    expect((await api.get(`/sandbox/inventory-movements?orderId=${orderId}`)).body.items).toEqual([]);
    expect((await stepsOf(cancellationId)).map((s) => s.step)).toEqual(['RESERVED']);
  });
});

describe('notifyChannelOfCancellation', () => {
  it('amazon is told once, with the marketplace restock instruction', async () => {
    const { orderId, cancellationId } = await cancelledOrder('amazon');
    expect(await activities.notifyChannelOfCancellation(cancellationId)).toEqual({});
    expect(await activities.notifyChannelOfCancellation(cancellationId)).toEqual({});
    const messages = (await api.get(`/sandbox/channel-messages?orderId=${orderId}`)).body.items;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      kind: 'CANCELLATION',
      channel: 'amazon',
      payload: {
        cancellationId,
        reason: 'CUSTOMER_REQUEST',
        restockOnMarketplace: true,
        lines: [{ lineNo: 1, sku: 'MUG-1', quantity: 1 }],
      },
    });
    expect((await stepsOf(cancellationId)).map((s) => [s.step, s.detail])).toEqual([
      ['RESERVED', 'line 1: 1'],
      ['CHANNEL_NOTIFIED', 'marketplace told'],
    ]);
  });

  it('mirakl is told without a marketplace restock', async () => {
    const { orderId, cancellationId } = await cancelledOrder('mirakl');
    await activities.notifyChannelOfCancellation(cancellationId);
    const messages = (await api.get(`/sandbox/channel-messages?orderId=${orderId}`)).body.items;
    expect(messages[0]!.payload.restockOnMarketplace).toBe(false);
  });

  it('the own web shop and third-party-managed orders are never synced back', async () => {
    const shop = await cancelledOrder('webshop');
    expect(await activities.notifyChannelOfCancellation(shop.cancellationId)).toEqual({ skipped: 'OWN_SHOP' });
    expect((await stepsOf(shop.cancellationId)).at(-1)).toMatchObject({
      step: 'CHANNEL_NOTIFIED',
      detail: 'own web shop: no marketplace to tell',
    });
    const managed = await cancelledOrder('rakuten', { order: { thirdPartyManaged: true } });
    expect(await activities.notifyChannelOfCancellation(managed.cancellationId)).toEqual({ skipped: 'THIRD_PARTY_MANAGED' });
    for (const { orderId } of [shop, managed]) {
      expect((await api.get(`/sandbox/channel-messages?orderId=${orderId}`)).body.items).toEqual([]);
    }
  });

  it('eBay, paid and unshipped: opens one dispute (however often it runs); the order stays open until the dispute closes', async () => {
    const { orderId, cancellationId } = await cancelledOrder('ebay', { whole: true });
    const first = await activities.notifyChannelOfCancellation(cancellationId);
    const again = await activities.notifyChannelOfCancellation(cancellationId);
    expect(first.disputeId).toBeTruthy();
    expect(again.disputeId).toBe(first.disputeId);
    expect(await count(`select count(*) as n from "orders"."dispute" where "cancellation_id" = ?`, [cancellationId])).toBe(1);
    const messages = (await api.get(`/sandbox/channel-messages?orderId=${orderId}`)).body.items;
    expect(messages.map((m: { kind: string }) => m.kind)).toEqual(['DISPUTE_OPENED']);
    expect((await api.get(`/orders/${orderId}`)).body.status).toBe('NEW');

    const closed = await api.post(`/disputes/${first.disputeId}/close`, { resolution: 'SELLER_REFUNDS' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', resolution: 'SELLER_REFUNDS', cancellationId });
    expect((await api.get(`/orders/${orderId}`)).body.status).toBe('CANCELLED');

    const twice = await api.post(`/disputes/${first.disputeId}/close`, { resolution: 'SELLER_REFUNDS' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/already closed/);
    const timeline = (await api.get(`/orders/${orderId}`)).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline.filter((t: string) => t === 'DISPUTE_OPENED')).toHaveLength(1);
    expect(timeline.filter((t: string) => t === 'DISPUTE_CLOSED')).toHaveLength(1);
    // The dispute's steps are written with the dispute: opened with it, closed with its closing.
    expect((await stepsOf(cancellationId)).map((s) => [s.step, s.detail])).toEqual([
      ['RESERVED', expect.any(String)],
      ['DISPUTE_OPENED', `dispute ${first.disputeId}`],
      ['CHANNEL_NOTIFIED', 'marketplace told; it opened a dispute'],
      ['DISPUTE_CLOSED', 'SELLER_REFUNDS'],
    ]);
  });

  it('eBay, unpaid: a plain message, no dispute', async () => {
    const { orderId, cancellationId } = await cancelledOrder('ebay', {
      order: { lines: [{ sku: 'FREE', quantity: 1, unitPrice: 0 }], payments: [] },
    });
    expect(await activities.notifyChannelOfCancellation(cancellationId)).toEqual({});
    const messages = (await api.get(`/sandbox/channel-messages?orderId=${orderId}`)).body.items;
    expect(messages.map((m: { kind: string }) => m.kind)).toEqual(['CANCELLATION']);
  });
});

describe('recordCancellationStep (processes started before the activities recorded their steps)', () => {
  it('records a step once per step and key, on the cancellation and so on the order timeline', async () => {
    const { orderId, cancellationId } = await cancelledOrder('webshop');
    await activities.recordCancellationStep({ cancellationId, step: 'RESTOCKED' });
    await activities.recordCancellationStep({ cancellationId, step: 'RESTOCKED' });
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_REQUESTED', key: 'attempt-1' });
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_REQUESTED', key: 'attempt-1' });
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_REQUESTED', key: 'attempt-2' });
    const c = (await api.get(`/cancellations/${cancellationId}`)).body;
    expect(c.steps.map((s: { step: string; key?: string }) => [s.step, s.key])).toEqual([
      ['RESERVED', undefined],
      ['RESTOCKED', undefined],
      ['REFUND_REQUESTED', 'attempt-1'],
      ['REFUND_REQUESTED', 'attempt-2'],
    ]);
    const timeline = (await api.get(`/orders/${orderId}`)).body.timeline.map((e: { type: string }) => e.type);
    expect(timeline.filter((t: string) => t === 'CANCELLATION_RESTOCKED')).toHaveLength(1);
    expect(timeline.filter((t: string) => t === 'CANCELLATION_REFUND_REQUESTED')).toHaveLength(2);
  });

  it('keeps the refund status in step: a failed refund shows its reason until a new attempt succeeds', async () => {
    const { cancellationId } = await cancelledOrder('webshop');
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_REQUESTED', key: '1' });
    expect((await api.get(`/cancellations/${cancellationId}`)).body.refundStatus).toBe('PENDING');
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_FAILED', key: '1', detail: 'card_declined' });
    expect((await api.get(`/cancellations/${cancellationId}`)).body).toMatchObject({
      status: 'IN_PROGRESS',
      refundStatus: 'FAILED',
      refundFailureReason: 'card_declined',
    });
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_REQUESTED', key: '2', actor: 'sue' });
    await activities.recordCancellationStep({ cancellationId, step: 'REFUND_SUCCEEDED', key: '2' });
    const c = (await api.get(`/cancellations/${cancellationId}`)).body;
    expect(c.refundStatus).toBe('SUCCEEDED');
    expect(c.refundFailureReason).toBeUndefined();
  });
});

describe('recordRefund', () => {
  it('a pending attempt, then its failure, then a second attempt: each step once, the refund status in step', async () => {
    const { cancellationId } = await cancelledOrder('webshop');
    const first = { attempt: 1, requested: 'attempt 1: 1000 by CARD PENDING' };
    await activities.recordRefund({ cancellationId, refund: { ...first, status: 'PENDING' } });
    await activities.recordRefund({ cancellationId, refund: { ...first, status: 'PENDING' } });
    expect((await api.get(`/cancellations/${cancellationId}`)).body.refundStatus).toBe('PENDING');
    await activities.recordRefund({ cancellationId, refund: { ...first, status: 'FAILED', failureReason: 'card_declined' } });
    await activities.recordRefund({ cancellationId, refund: { ...first, status: 'FAILED', failureReason: 'card_declined' } });
    expect((await api.get(`/cancellations/${cancellationId}`)).body).toMatchObject({
      status: 'IN_PROGRESS',
      refundStatus: 'FAILED',
      refundFailureReason: 'card_declined',
    });
    await activities.recordRefund({
      cancellationId,
      refund: { attempt: 2, requested: 'attempt 2: 1000 by CARD PENDING', requestedBy: 'sue', status: 'PENDING' },
    });
    expect((await api.get(`/cancellations/${cancellationId}`)).body).toMatchObject({ refundStatus: 'PENDING' });
    expect((await api.get(`/cancellations/${cancellationId}`)).body.refundFailureReason).toBeUndefined();
    expect((await stepsOf(cancellationId)).map((s) => [s.step, s.key, s.detail, s.actor])).toEqual([
      ['RESERVED', undefined, expect.any(String), expect.any(String)],
      ['REFUND_REQUESTED', '1', 'attempt 1: 1000 by CARD PENDING', 'workflow'],
      ['REFUND_FAILED', '1', 'card_declined', 'workflow'],
      ['REFUND_REQUESTED', '2', 'attempt 2: 1000 by CARD PENDING', 'sue'],
    ]);
  });
});

describe('recordCustomerNotified', () => {
  it('records CUSTOMER_NOTIFIED once, however often it runs', async () => {
    const { cancellationId } = await cancelledOrder('webshop');
    await activities.recordCustomerNotified(cancellationId);
    await activities.recordCustomerNotified(cancellationId);
    expect((await stepsOf(cancellationId)).filter((s) => s.step === 'CUSTOMER_NOTIFIED')).toHaveLength(1);
  });
});

describe('each step is written once, and the order timeline reads it', () => {
  it('a whole cancellation run twice over (every activity retried after it committed): each step once, no copy as an order event', async () => {
    const { orderId, cancellationId } = await cancelledOrder('amazon', { restock: true });
    const succeeded = {
      attempt: 1,
      status: 'SUCCEEDED' as const,
      requested: 'attempt 1: 1000 by CARD SUCCEEDED',
      settled: '1000 by CARD SUCCEEDED',
    };
    for (let run = 0; run < 2; run++) {
      await activities.restockCancellation(cancellationId);
      await activities.notifyChannelOfCancellation(cancellationId);
      await activities.completeCancellation(cancellationId, { refund: succeeded });
      await activities.recordCustomerNotified(cancellationId);
    }
    const c = (await api.get(`/cancellations/${cancellationId}`)).body;
    expect(c).toMatchObject({ status: 'CANCELLED', refundStatus: 'SUCCEEDED' });
    const steps = ['RESERVED', 'RESTOCKED', 'CHANNEL_NOTIFIED', 'REFUND_REQUESTED', 'REFUND_SUCCEEDED', 'CANCELLED', 'CUSTOMER_NOTIFIED'];
    expect((c.steps as Step[]).map((s) => s.step)).toEqual(steps);
    expect((c.steps as Step[]).find((s) => s.step === 'REFUND_SUCCEEDED')).toMatchObject({ key: '1', detail: '1000 by CARD SUCCEEDED' });

    const timeline = await timelineOf(orderId);
    expect(timeline.filter((e) => e.cancellationId === cancellationId).map((e) => [e.type, e.step])).toEqual(
      steps.map((step) => [`CANCELLATION_${step}`, step]),
    );
    expect((await orderEvents(orderId)).filter((type) => steps.some((step) => type === `CANCELLATION_${step}`))).toEqual([]);
  });

  it('completing without a refund records why, with the status', async () => {
    const { cancellationId } = await cancelledOrder('webshop');
    await activities.completeCancellation(cancellationId, { refundNotNeeded: 'nothing to refund' });
    await activities.completeCancellation(cancellationId, { refundNotNeeded: 'nothing to refund' });
    expect((await stepsOf(cancellationId)).map((s) => [s.step, s.detail ?? null])).toEqual([
      ['RESERVED', expect.any(String)],
      ['REFUND_NOT_NEEDED', 'nothing to refund'],
      ['CANCELLED', null],
    ]);
  });
});

describe('completeCancellation', () => {
  it('IN_PROGRESS -> CANCELLED once; completing again is fine and records nothing more', async () => {
    const { orderId, cancellationId } = await cancelledOrder('webshop', { whole: true });
    await activities.completeCancellation(cancellationId);
    await activities.completeCancellation(cancellationId);
    const c = (await api.get(`/cancellations/${cancellationId}`)).body;
    expect(c.status).toBe('CANCELLED');
    expect(c.completedAt).toBeTruthy();
    const order = (await api.get(`/orders/${orderId}`)).body;
    expect(order.status).toBe('CANCELLED');
    expect(order.timeline.filter((e: { type: string }) => e.type === 'CANCELLATION_COMPLETED')).toHaveLength(1);
  });

  it('an UNDONE cancellation can never complete: a non-retryable failure', async () => {
    const { cancellationId } = await cancelledOrder('webshop');
    await service.db.em.fork().execute(`update "orders"."cancellation" set "status" = 'UNDONE' where "id" = ?`, [cancellationId]);
    const failure = await activities.completeCancellation(cancellationId).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).message).toMatch(/UNDONE cannot become CANCELLED/);
  });
});
