// The workflows process starts while Temporal is away (everything restarted at once, Temporal
// being upgraded) instead of exiting into its supervisor's restart loop: it says it runs, keeps
// trying, and polls the cancellations task queue once Temporal is there. Against the run's real
// Temporal server, reached through a loopback forwarder that refuses until it is switched on.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { eventually } from '@cancelflow/testing';
import { startForwarder, type Forwarder } from '@cancelflow/testing/forwarder';

const WORKFLOWS_MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const namespace = process.env.TEMPORAL_NAMESPACE || 'default';

let forwarder: Forwarder;
let child: ChildProcess | undefined;
let client: Client;

beforeAll(async () => {
  forwarder = await startForwarder();
  client = new Client({ connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! }), namespace });
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await client?.connection.close();
  await forwarder?.close();
});

/** Identities of the workflow pollers of the cancellations queue (other test files' workers among them). */
async function workflowPollers(): Promise<string[]> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: TASK_QUEUES.cancellations },
    taskQueueType: 1,
  });
  return (answer.pollers ?? []).map((poller) => poller.identity ?? '');
}

describe('the workflows process while Temporal is away', () => {
  it('starts, stays up, and polls the cancellations queue once Temporal is there', async () => {
    forwarder.forwardTo(undefined);
    let output = '';
    let exited: number | null | undefined;
    child = spawn(process.execPath, [WORKFLOWS_MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TEMPORAL_ADDRESS: forwarder.address,
        TEMPORAL_NAMESPACE: namespace,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (exited = code));

    await eventually(async () => expect(output).toContain('worker of the cancellations task queue running'), { timeoutMs: 30_000 });
    // Several attempts later it is still there, saying why it waits.
    await eventually(async () => expect(output.match(/cannot reach Temporal yet/g)?.length ?? 0).toBeGreaterThan(2), { timeoutMs: 10_000 });
    expect(exited).toBeUndefined();
    const identity = `${child.pid}@`;
    expect((await workflowPollers()).some((id) => id.startsWith(identity))).toBe(false);

    forwarder.forwardTo(process.env.TEMPORAL_ADDRESS);
    await eventually(async () => expect((await workflowPollers()).some((id) => id.startsWith(identity))).toBe(true), {
      timeoutMs: 30_000,
    });
    expect(exited).toBeUndefined();
  }, 90_000);
});
