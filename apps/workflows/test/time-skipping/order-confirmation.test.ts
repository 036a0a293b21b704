// The order confirmation email alone, the notification service mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { orderConfirmationWorkflowId } from '../../src/contracts/order-confirmation.ts';
import { orderConfirmationWorkflow } from '../../src/order-confirmation.ts';
import { startTimeSkippingEnvironment, type TimeSkippingEnvironment } from './environment.ts';
import type { NotificationActivities } from '../../src/contracts/notifications.ts';

let env: TimeSkippingEnvironment;
// The first run on a machine fetches the test server with Maven (npm test does that before vitest).
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const data = {
  orderNo: 'WEB-1005',
  customerName: 'Ada',
  viewOrderUrl: 'http://127.0.0.1:3000/self-service/t',
  expiresAt: '2027-01-01T00:00:00.000Z',
  lines: '1 x SKU-5',
};
const start = (orderId: string) =>
  env.workflow.start(orderConfirmationWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: orderConfirmationWorkflowId(orderId),
    args: [{ orderId, to: 'ada@example.com', data }],
  });

describe('the order confirmation is sent once per order, however long the mail service is down', () => {
  it('sends one ORDER_CONFIRMATION keyed by the order, with the self-service link', async () => {
    const orderId = randomUUID();
    const calls = await env.activities({
      notifications: { sendEmail: async () => ({ messageId: '<confirmation@test>' }) } satisfies NotificationActivities,
    });
    expect(await (await start(orderId)).result()).toEqual({ messageId: '<confirmation@test>' });
    expect(calls.inputsOf('sendEmail')).toEqual([
      { messageKey: `order-confirmation:${orderId}`, to: 'ada@example.com', template: 'ORDER_CONFIRMATION', orderId, data },
    ]);
  });

  it('keeps retrying while sending fails, and sends it when the service is back', async () => {
    const orderId = randomUUID();
    let failures = 0;
    const calls = await env.activities({
      notifications: {
        sendEmail: async () => {
          if (++failures <= 6) throw new Error('SMTP unavailable');
          return { messageId: '<late@test>' };
        },
      } satisfies NotificationActivities,
    });
    expect(await (await start(orderId)).result()).toEqual({ messageId: '<late@test>' });
    expect(calls.count('sendEmail')).toBe(7);
  });
});
