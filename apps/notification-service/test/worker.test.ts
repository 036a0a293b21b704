import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotificationService } from '../src/service.ts';
import { confirmationData, getJson, startTestService, testConfig, uniqueId, type ListOf, type MailboxView } from './helpers.ts';

// The service's own worker serves the notifications queue; a test worker runs the workflow.
let service: RunningNotificationService;
let notificationsQueue: string;
let workflowWorker: Worker;
let workflowWorkerRun: Promise<void>;
let workerConnection: NativeConnection;
let connection: Connection;
let client: Client;
const workflowQueue = uniqueId('notification-workflows-test');

beforeAll(async () => {
  const config = testConfig();
  notificationsQueue = config.taskQueue;
  service = await startTestService(config);
  workerConnection = await NativeConnection.connect({ address: config.temporal.address });
  workflowWorker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: workflowQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./fixtures/send-email-workflow.ts', import.meta.url)),
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: console.error,
      },
    }),
  });
  workflowWorkerRun = workflowWorker.run();
  connection = await Connection.connect({ address: config.temporal.address });
  client = new Client({ connection, namespace: config.temporal.namespace });
});

afterAll(async () => {
  workflowWorker?.shutdown();
  await workflowWorkerRun;
  await workerConnection?.close();
  await connection?.close();
  await service?.close();
});

const runWorkflow = (input: Parameters<RunningNotificationService['activities']['sendEmail']>[0]) =>
  client.workflow.execute('sendEmailWorkflow', {
    taskQueue: workflowQueue,
    workflowId: uniqueId('send-email-wf'),
    args: [notificationsQueue, input],
  }) as Promise<{ messageId?: string; failure?: string; type?: string; nonRetryable?: boolean }>;

describe('the notifications worker', () => {
  it('sends the email a workflow asks for through the notifications task queue', async () => {
    const to = `${uniqueId('wf')}@example.com`;
    const result = await runWorkflow({
      messageKey: `wf:${uniqueId('can')}`,
      to,
      template: 'CANCELLATION_CONFIRMED',
      data: confirmationData(),
    });
    expect(result.messageId).toMatch(/@cancelflow\.local>$/);
    const { body } = await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?to=${encodeURIComponent(to)}`);
    expect(body.items.map((m) => m.messageId)).toEqual([result.messageId]);
  });

  it('fails the activity at once, without retries, when the template data is invalid', async () => {
    const result = await runWorkflow({
      messageKey: `wf-bad:${uniqueId('can')}`,
      to: `${uniqueId('wf-bad')}@example.com`,
      template: 'REFUND_FAILED_SUPPORT',
      data: confirmationData({ cancellationId: null }),
    });
    expect(result).toMatchObject({ type: 'INVALID_TEMPLATE_DATA', nonRetryable: true });
    expect(result.failure).toContain('cancellationId');
  });
});
