import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, merchantToken } from '@cancelflow/testing';
import type { RunningPaymentService } from '../src/service.ts';
import { call, recordPayments, startTestService, uniqueId } from './helpers.ts';

// An outage takes the provider down for every order: this file has a database of its own (and no
// worker on the shared task queue), so the other files' refunds never see it.
let admin: pg.Client;
let databaseName: string;
let service: RunningPaymentService;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  databaseName = `payments_outage_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`create database ${databaseName}`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${databaseName}`;
  service = await startTestService({
    databaseUrl: url.toString(),
    worker: false,
    sandboxCardSettleMs: 100,
    sandboxSweepMs: 100,
    sandboxOutages: true,
  });
});

afterAll(async () => {
  await service?.close();
  await admin?.query(`drop database if exists ${databaseName} with (force)`);
  await admin?.end();
});

const count = async (sql: string, params: unknown[]) => Number((await service.orm.em.fork().execute<{ n: string }[]>(sql, params))[0]!.n);
const sandboxRefundsOf = (cancellationId: string) =>
  count(`select count(*) as n from "payments"."sandbox_refund" where "idempotency_key" like ?`, [`${cancellationId}:%`]);
const outages = () => count(`select count(*) as n from "payments"."sandbox_outage" where "until" > now()`, []);

async function cardOrder(amount: number) {
  const orderId = uniqueId('order');
  const cancellationId = uniqueId('cancel');
  await recordPayments(service, orderId, [{ method: 'CARD', amount }]);
  return { cancellationId, orderId, currency: 'EUR', amount, refundMethod: 'ORIGINAL_PAYMENT' } as const;
}

const settled = (cancellationId: string) =>
  eventually(async () => {
    const refund = await service.book.refundByCancellation(cancellationId);
    return refund?.status === 'SUCCEEDED' ? refund : undefined;
  });

describe('the payment provider down for every order', () => {
  it('answering 500: nothing is taken while down; once back, the same refund goes through and settles once', async () => {
    const input = await cardOrder(2500);
    const down = await call<{ mode: string; until: string }>(service, 'POST', '/sandbox/outage', { seconds: 60 });
    expect(down.status).toBe(201);
    expect(down.body.mode).toBe('UNAVAILABLE');
    expect(Date.parse(down.body.until) - Date.now()).toBeGreaterThan(50_000);

    await expect(service.activities.requestRefund(input)).rejects.toMatchObject({
      type: 'UnavailableError',
      nonRetryable: false,
      message: expect.stringContaining('the payment provider answered 500'),
    });
    await expect(service.activities.requestRefund(input)).rejects.toMatchObject({ type: 'UnavailableError' });
    expect(await sandboxRefundsOf(input.cancellationId)).toBe(0);

    const back = await call(service, 'DELETE', '/sandbox/outage');
    expect(back.status).toBe(200);
    expect(await outages()).toBe(0);

    // The activity's next attempt.
    expect((await service.activities.requestRefund(input)).status).toBe('PENDING');
    const refund = await settled(input.cancellationId);
    expect(refund.parts).toMatchObject([{ channel: 'CARD', amount: 2500, status: 'SUCCEEDED' }]);
    expect(await sandboxRefundsOf(input.cancellationId)).toBe(1);
  });

  it('losing its answers: the refund it took settles on its side, its event and status wait, and the retry finds the same refund', async () => {
    const input = await cardOrder(1800);
    const down = await call<{ mode: string }>(service, 'POST', '/sandbox/outage', { seconds: 3, mode: 'ANSWER_LOST' });
    expect(down.body.mode).toBe('ANSWER_LOST');

    await expect(service.activities.requestRefund(input)).rejects.toMatchObject({
      type: 'UnavailableError',
      message: expect.stringContaining('its answer was lost'),
    });
    expect(await sandboxRefundsOf(input.cancellationId)).toBe(1);
    // The provider settles what it took; while down it tells no one and answers no question.
    await eventually(async () =>
      (await count(`select count(*) as n from "payments"."sandbox_refund" where "idempotency_key" like ? and "status" = 'SETTLED'`, [
        `${input.cancellationId}:%`,
      ])) === 1
        ? true
        : undefined,
    );
    await expect(service.activities.reconcileRefund(input.cancellationId)).rejects.toMatchObject({ type: 'UnavailableError' });
    expect((await service.book.refundByCancellation(input.cancellationId))?.status).toBe('PENDING');

    // The outage ends by itself: the waiting event arrives, the retry gets the same refund.
    const refund = await settled(input.cancellationId);
    expect((await service.activities.requestRefund(input)).status).toBe('SUCCEEDED');
    expect(await sandboxRefundsOf(input.cancellationId)).toBe(1);
    const [stored] = await service.orm.em
      .fork()
      .execute<{ provider_refund_id: string }[]>(
        `select "provider_refund_id" from "payments"."sandbox_refund" where "idempotency_key" like ?`,
        [`${input.cancellationId}:%`],
      );
    expect(refund.parts[0]!.providerRefundId).toBe(stored!.provider_refund_id);
  });

  it.each([
    ['no duration', {}, 'seconds'],
    ['a duration that is not a number', { seconds: 'soon' }, 'seconds: must be a number of seconds'],
    ['no time at all', { seconds: 0 }, 'seconds: must be at least 1'],
    ['more than an hour', { seconds: 3601 }, 'seconds: must be at most 3600 (an hour)'],
    ['a fraction of a second', { seconds: 1.5 }, 'seconds: must be a whole number'],
    ['a mode it does not have', { seconds: 5, mode: 'ON_FIRE' }, 'mode'],
  ])('POST /sandbox/outage refuses %s with 400 and the provider stays up', async (_what, body, message) => {
    const res = await call<{ error: { message: string } }>(service, 'POST', '/sandbox/outage', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
    expect(await outages()).toBe(0);
  });

  it("a merchant's staff cannot take the provider down for everyone: 403, and it stays up", async () => {
    const res = await fetch(`${service.url}/sandbox/outage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await merchantToken('m-outage')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });
    expect(res.status).toBe(403);
    expect(await outages()).toBe(0);
  });

  it('DELETE /sandbox/outage when the provider is up answers 404', async () => {
    const res = await call<{ error: { message: string } }>(service, 'DELETE', '/sandbox/outage');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('the sandbox provider is not down');
  });
});
