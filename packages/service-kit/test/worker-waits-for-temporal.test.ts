// A service whose Temporal is away when it starts (a restart of everything at once, a Temporal
// upgrade) starts all the same: its worker keeps trying in the background and polls once Temporal
// is there, as it does when Temporal goes away later. Against the run's real Temporal server,
// reached through a loopback forwarder that refuses until it is switched on.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startForwarder, type Forwarder } from '@cancelflow/testing/forwarder';
import { connectTemporalClient } from '../src/temporal.ts';
import { startWorker } from '../src/worker.ts';

let forwarder: Forwarder;
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';

beforeAll(async () => {
  forwarder = await startForwarder();
});

afterAll(() => forwarder?.close());

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
    forwarder.forwardTo(undefined);
    const taskQueue = `waits-for-temporal-${randomUUID()}`;
    const retries: number[] = [];
    const worker = await startWorker({
      address: forwarder.address,
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
      expect(worker.polling()).toBe(false);

      forwarder.forwardTo(process.env.TEMPORAL_ADDRESS);
      await until('the worker to poll its task queue', async () => (await pollersOf(taskQueue)) > 0);
      expect(worker.polling()).toBe(true);
      // Polling: it stops trying.
      const tried = retries.length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(retries.length).toBe(tried);
    } finally {
      await worker.close();
    }
  }, 60_000);

  it('a worker still waiting for Temporal closes at once', async () => {
    forwarder.forwardTo(undefined);
    const worker = await startWorker({
      address: forwarder.address,
      namespace,
      taskQueue: `waits-for-temporal-${randomUUID()}`,
      activities: { noop: async () => undefined },
    });
    // Without waiting out a retry or a connection attempt: the test's own timeout would end it.
    await worker.close();
  }, 10_000);

  it('the client is made without Temporal: its calls fail while Temporal is away, and work once it is there', async () => {
    forwarder.forwardTo(undefined);
    const client = await connectTemporalClient({ address: forwarder.address, namespace });
    try {
      await expect(client.workflowService.getSystemInfo({})).rejects.toThrow();
      forwarder.forwardTo(process.env.TEMPORAL_ADDRESS);
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
