import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cancelOrder, eventually, importOrder, type OrderBody } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import type { FaultPoint } from '@cancelflow/service-kit/faults';
import { startPaymentsProcess, type PaymentsProcess } from './payments-process.ts';

/** The payment service process, optionally armed to die with SIGKILL at one named point between two writes. */
const startPayments = (killAt?: FaultPoint): Promise<PaymentsProcess> =>
  startPaymentsProcess({
    LOG_LEVEL: 'warn',
    SANDBOX_CARD_SETTLE_MS: '100',
    SANDBOX_SWEEP_MS: '250',
    ...(killAt ? { CANCELFLOW_FAULTS: `${killAt}=exit` } : {}),
  });

let system: RunningSystem;
let running: PaymentsProcess | undefined;
let db: pg.Client;

beforeAll(async () => {
  // Everything in this process except the payments worker, and a sandbox here that neither settles
  // card refunds nor sweeps its outbox: the child process alone does, so its death is what counts.
  system = await startSystem({
    env: { SANDBOX_CARD_SETTLE_MS: '3600000', SANDBOX_SWEEP_MS: '3600000' },
    serviceEnv: { payments: { WORKER_ENABLED: 'false' } },
  });
  db = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
});

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  running = undefined;
});

afterAll(async () => {
  await db?.end();
  await system?.close();
});

const rows = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);

/** Kill at the point during one card cancellation, start again unarmed; it completes exactly once. */
async function cancellationSurvivesKillAt(point: FaultPoint): Promise<{ order: OrderBody; cancellationId: string }> {
  running = await startPayments(point);
  const order = await importOrder(system.orders);
  const { cancellationId } = await cancelOrder(system.orders, order);

  const exit = await running.exited;
  expect(exit.signal, running.output.join('')).toBe('SIGKILL');

  running = await startPayments();
  const done = await eventually(
    async () => {
      const c = (await system.orders.get<{ status: string; steps: { step: string }[] }>(`/cancellations/${cancellationId}`)).body;
      return c.status === 'CANCELLED' && c.steps.some((s) => s.step === 'CUSTOMER_NOTIFIED') ? c : undefined;
    },
    { timeoutMs: 90_000, what: `cancellation ${cancellationId} to be CANCELLED after the restart` },
  );
  const steps = done.steps.map((s) => s.step);
  expect(steps.filter((s) => s === 'REFUND_SUCCEEDED')).toHaveLength(1);
  expect(await rows('select count(*) as n from payments.refund where cancellation_id = $1', [cancellationId])).toBe(1);
  expect(
    await rows(`select count(*) as n from payments.refund where cancellation_id = $1 and status = 'SUCCEEDED'`, [cancellationId]),
  ).toBe(1);
  expect(await rows('select count(*) as n from payments.sandbox_refund where idempotency_key like $1', [`${cancellationId}:%`])).toBe(1);
  const emails = (await system.notifications.get<{ items: { template: string }[] }>(`/emails?orderId=${order.id}`)).body.items;
  expect(emails.filter((e) => e.template === 'CANCELLATION_CONFIRMED')).toHaveLength(1);
  return { order, cancellationId };
}

describe('the payment service killed between two writes: every cancellation still completes once', () => {
  it('killed after the provider settled the refund and before it delivered refund.settled', async () => {
    const { cancellationId } = await cancellationSurvivesKillAt('sandbox.refund-settled');
    // The event the dead process owed is delivered from the provider's outbox after the restart.
    const delivered = () =>
      rows(
        `select count(*) as n from payments.sandbox_outbox o join payments.sandbox_refund s on s.provider_refund_id = o.payload->>'providerRefundId'
          where s.idempotency_key like $1 and o.delivered_at is not null`,
        [`${cancellationId}:%`],
      );
    expect(await eventually(async () => ((await delivered()) === 1 ? 1 : undefined), { what: 'the stored event to be delivered' })).toBe(1);
  });

  it('killed after the settlement was stored and before the workflow was signalled', async () => {
    await cancellationSurvivesKillAt('refund.event-applied');
  });
});
