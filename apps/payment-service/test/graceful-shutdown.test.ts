import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, importOrder, unique } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';
import { startPaymentsProcess, type PaymentsProcess } from './payments-process.ts';

let system: RunningSystem;
let running: PaymentsProcess | undefined;

beforeAll(async () => {
  // Everything in this process except the worker of the payments task queue: that one is the child.
  system = await startSystem({ serviceEnv: { payments: { WORKER_ENABLED: 'false' } } });
});

afterAll(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  await system?.close();
});

describe('graceful shutdown', () => {
  it('SIGTERM during a cancellation stops the payment service cleanly; after a restart the cancellation completes with one refund', async () => {
    running = await startPaymentsProcess({ LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '5000' });
    const order = await importOrder(system.orders);
    const response = await system.orders.post<{ cancellationId: string }>(`/orders/${order.id}/cancellations`, {
      lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.openQuantity })),
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('C'),
    });
    expect(response.status).toBe(202);
    const { cancellationId } = response.body;

    const stoppedAt = Date.now();
    running.child.kill('SIGTERM');
    const exit = await running.exited;
    expect(exit, running.output.join('')).toEqual({ code: 0, signal: null });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000 + 5_000);
    expect(running.output.join('')).toMatch(/shutting down/);

    running = await startPaymentsProcess({ LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '5000' });
    const done = await eventually(
      async () => {
        const c = (await system.orders.get<{ status: string }>(`/cancellations/${cancellationId}`)).body;
        return c.status === 'CANCELLED' ? c : undefined;
      },
      { timeoutMs: 60_000, what: `cancellation ${cancellationId} to be CANCELLED after the restart` },
    );
    expect(done.status).toBe('CANCELLED');

    const db = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    try {
      const refunds = await db.query<{ n: string }>('select count(*) as n from payments.refund where cancellation_id = $1', [
        cancellationId,
      ]);
      const providerRefunds = await db.query<{ n: string }>(
        'select count(*) as n from payments.sandbox_refund where idempotency_key like $1',
        [`${cancellationId}:%`],
      );
      expect(Number(refunds.rows[0]!.n)).toBe(1);
      expect(Number(providerRefunds.rows[0]!.n)).toBe(1);
    } finally {
      await db.end();
    }
  });
});
