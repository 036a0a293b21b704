// A worker killed in the middle of a delivery loses nothing: the order service's worker runs in a
// process of its own here, is killed (SIGKILL) while the receiver holds the POST, and another one
// takes over; the receiver gets the event again under the same id and accepts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDeliveryBody } from '@cancelflow/domain';
import { apiClient, eventually, importOrder, unique, type ApiClient } from '@cancelflow/testing';
import { merchantToken } from '@cancelflow/testing/tokens';
import { startSystem, type RunningSystem } from '@cancelflow/system';

const ORDER_SERVICE_MAIN = fileURLToPath(new URL('../../order-service/src/main.ts', import.meta.url));

let system: RunningSystem;
let server: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string; held: boolean }[] = [];
const children: ChildProcess[] = [];
const merchantId = unique('killed-merchant');
let merchant: ApiClient;

/** The order service's worker (and sweep) in a process of its own, to kill. */
function startWorkerProcess(timeout: string): ChildProcess {
  const child = spawn(process.execPath, [ORDER_SERVICE_MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      DATABASE_URL: process.env.DATABASE_URL,
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE || 'default',
      PORT: '0',
      WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_TIMEOUT: timeout,
      WEBHOOK_RETRY_FIRST: '200ms',
      WEBHOOK_RETRY_LONGEST: '1s',
      WEBHOOK_SWEEP_INTERVAL: '100ms',
      ORDER_CONFIRMATION_RETRY_AFTER: '0ms',
    },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const held = received.length === 0;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), held });
      // The first POST is held open: its worker is killed meanwhile.
      if (!held) res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/killed`;
  // This system's services serve HTTP only (no workers): the webhook worker is the process below.
  system = await startSystem({ env: { WORKER_ENABLED: 'false' } });
  merchant = apiClient(system.orders.baseUrl, await merchantToken(merchantId));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await system?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('a webhook worker killed mid-delivery loses nothing', () => {
  it('the attempt runs again on another worker with the same event id, and the delivery ends DELIVERED', { timeout: 120_000 }, async () => {
    const first = startWorkerProcess('60s');
    const subscription = await merchant.post<{ id: string }>('/webhook-subscriptions', { url: receiverUrl, events: ['order.imported'] });
    expect(subscription.status).toBe(201);
    const order = await importOrder(system.orders, { merchantId });

    await eventually(async () => (received.length === 1 ? true : undefined), { what: 'the first POST to arrive', timeoutMs: 60_000 });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    startWorkerProcess('5s');

    const [delivery] = await eventually(
      async () => {
        const items = (await merchant.get<{ items: WebhookDeliveryBody[] }>(`/webhook-subscriptions/${subscription.body.id}/deliveries`))
          .body.items;
        return items.length === 1 && items[0]!.status === 'DELIVERED' ? items : undefined;
      },
      { what: 'the delivery to be accepted after the worker was killed', timeoutMs: 90_000 },
    );
    expect(delivery).toMatchObject({ orderId: order.id, eventType: 'order.imported', attempts: 2, lastAnswer: { status: 200 } });
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['idempotency-key']).toBe(received[0]!.headers['idempotency-key']);
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(JSON.parse(received[1]!.body)).toMatchObject({ id: delivery!.eventId, orderId: order.id });
  });
});
