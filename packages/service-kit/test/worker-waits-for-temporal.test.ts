// A service whose Temporal is away when it starts (a restart of everything at once, a Temporal
// upgrade) starts all the same: its worker keeps trying in the background and polls once Temporal
// is there, as it does when Temporal goes away later. Against the run's real Temporal server,
// reached through a loopback forwarder that refuses until it is switched on.
import { randomUUID } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startActivityWorker } from '../src/activity-worker.ts';
import { connectTemporalClient } from '../src/temporal.ts';

let forwarder: Server;
let port: number;
let target: { host: string; port: number } | undefined;
const sockets = new Set<Socket>();
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';

beforeAll(async () => {
  forwarder = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (!target) return void client.destroy();
    const upstream = connect(target);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve));
  port = (forwarder.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => forwarder?.close(resolve));
});

const temporalAddress = () => {
  const [host, p] = process.env.TEMPORAL_ADDRESS!.split(':');
  return { host: host!, port: Number(p) };
};

async function pollersOf(taskQueue: string): Promise<number> {
  const client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }), namespace });
  try {
    const answer = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 2 });
    return answer.pollers?.length ?? 0;
  } finally {
    await client.connection.close();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Temporal away when a service starts', () => {
  it('the worker starts without it, keeps trying, and polls once Temporal is there', async () => {
    target = undefined;
    const taskQueue = `waits-for-temporal-${randomUUID()}`;
    const retries: number[] = [];
    const worker = await startActivityWorker({
      address: `127.0.0.1:${port}`,
      namespace,
      taskQueue,
      activities: { noop: async () => undefined },
      onRetry: (_error, retryInMs) => retries.push(retryInMs),
    });
    try {
      expect(retries.length).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(retries.length).toBeGreaterThan(1);
      expect(await pollersOf(taskQueue)).toBe(0);

      target = temporalAddress();
      await until('the worker to poll its task queue', async () => (await pollersOf(taskQueue)) > 0);
      // Polling: it stops trying.
      const tried = retries.length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(retries.length).toBe(tried);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('a worker still waiting for Temporal closes at once', async () => {
    target = undefined;
    const worker = await startActivityWorker({
      address: `127.0.0.1:${port}`,
      namespace,
      taskQueue: `waits-for-temporal-${randomUUID()}`,
      activities: { noop: async () => undefined },
    });
    // Without waiting out a retry or a connection attempt: the test's own timeout would end it.
    await worker.close();
  }, 10_000);

  it('the client is made without Temporal: its calls fail while Temporal is away, and work once it is there', async () => {
    target = undefined;
    const client = await connectTemporalClient({ address: `127.0.0.1:${port}`, namespace });
    try {
      await expect(client.workflowService.getSystemInfo({})).rejects.toThrow();
      target = temporalAddress();
      await until('the client to reach Temporal', () =>
        client.workflowService.getSystemInfo({}).then(
          () => true,
          () => false,
        ),
      );
    } finally {
      await client.connection.close();
    }
  }, 60_000);
});
