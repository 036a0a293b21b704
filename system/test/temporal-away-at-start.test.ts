// Every service starts while Temporal is away (all of them started at once, Temporal still coming
// up or being upgraded): it answers, says on /readyz that Temporal is down and which of its
// workers do not poll yet, and they wait for Temporal in the background, instead of exiting and
// crash-looping under its supervisor.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { configFromEnv as notificationConfig } from '@cancelflow/notification-service/config';
import { startService as startNotificationService } from '@cancelflow/notification-service/service';
import { configFromEnv as orderConfig } from '@cancelflow/order-service/config';
import { startService as startOrderService } from '@cancelflow/order-service/service';
import { configFromEnv as paymentConfig } from '@cancelflow/payment-service/config';
import { startService as startPaymentService } from '@cancelflow/payment-service/service';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Each service, and the task queues its workers poll once Temporal is there. */
const SERVICES = {
  'order-service': { start: (env: NodeJS.ProcessEnv) => startOrderService(orderConfig(env)), queues: 'orders, webhooks' },
  'payment-service': { start: (env: NodeJS.ProcessEnv) => startPaymentService(paymentConfig(env)), queues: 'payments' },
  'notification-service': {
    start: (env: NodeJS.ProcessEnv) => startNotificationService(notificationConfig(env)),
    queues: 'notifications',
  },
};

describe('Temporal away when the services start', () => {
  for (const [name, { start, queues }] of Object.entries(SERVICES)) {
    it(`${name} starts, is alive, and is not ready until Temporal is there`, async () => {
      const env = { ...process.env, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent', TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}` };
      const service = await start(env);
      try {
        expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
        const ready = await fetch(`${service.url}/readyz`);
        expect(ready.status).toBe(503);
        const body = (await ready.json()) as { status: string; checks: Record<string, string> };
        expect(body.status).toBe('unavailable');
        expect(body.checks.database).toBe('ok');
        expect(body.checks.temporal).toMatch(/^down: /);
        expect(body.checks.workers).toBe(`down: not polling yet: ${queues}`);
      } finally {
        await service.close();
      }
    }, 60_000);

    it(`${name} with Temporal there is ready: its workers poll`, async () => {
      const service = await start({ ...process.env, PORT: '0', SMTP_PORT: '0', LOG_LEVEL: 'silent' });
      try {
        const ready = await fetch(`${service.url}/readyz`);
        const body = (await ready.json()) as { status: string; checks: Record<string, string> };
        expect(body).toMatchObject({ status: 'ready', checks: { database: 'ok', temporal: 'ok', workers: 'ok' } });
        expect(ready.status).toBe(200);
      } finally {
        await service.close();
      }
    }, 60_000);
  }
});
