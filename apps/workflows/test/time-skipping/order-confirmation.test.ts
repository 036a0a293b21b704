// What an imported order is owed (its payments made known, the confirmation email), the services mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import {
  orderConfirmationWorkflowId,
  type OrderConfirmationInput,
  type OrderConfirmationPaymentActivities,
} from '../../src/contracts/order-confirmation.ts';
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
const payments: NonNullable<OrderConfirmationInput['payments']> = {
  currency: 'EUR',
  payments: [
    { method: 'CARD', amount: 4000, reference: 'psp-1' },
    { method: 'POINTS', amount: 1500, reference: 'points-1' },
  ],
};
const start = (orderId: string, withPayments = false) =>
  env.workflow.start(orderConfirmationWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: orderConfirmationWorkflowId(orderId),
    args: [{ orderId, to: 'ada@example.com', data, ...(withPayments ? { payments } : {}) }],
  });
const recording: OrderConfirmationPaymentActivities = { recordOrderPayments: async () => undefined };

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

describe("the payment service knows an imported order's payments from the import on", () => {
  it('records the payments the order was imported with, once, beside the email', async () => {
    const orderId = randomUUID();
    const calls = await env.activities({
      notifications: { sendEmail: async () => ({ messageId: '<confirmation@test>' }) } satisfies NotificationActivities,
      payments: recording,
    });
    expect(await (await start(orderId, true)).result()).toEqual({ messageId: '<confirmation@test>' });
    expect(calls.inputsOf('recordOrderPayments')).toEqual([{ orderId, ...payments }]);
    expect(calls.count('sendEmail')).toBe(1);
  });

  it('records the payments while the mail service is down, and sends the email when it is back', async () => {
    const orderId = randomUUID();
    let failures = 0;
    const calls = await env.activities({
      notifications: {
        sendEmail: async () => {
          if (++failures <= 4) throw new Error('SMTP unavailable');
          return { messageId: '<late@test>' };
        },
      } satisfies NotificationActivities,
      payments: recording,
    });
    expect(await (await start(orderId, true)).result()).toEqual({ messageId: '<late@test>' });
    expect(calls.count('recordOrderPayments')).toBe(1);
    expect(calls.count('sendEmail')).toBe(5);
  });

  it('keeps retrying while the payment service is down, and records them when it is back', async () => {
    const orderId = randomUUID();
    let failures = 0;
    const calls = await env.activities({
      notifications: { sendEmail: async () => ({ messageId: '<confirmation@test>' }) } satisfies NotificationActivities,
      payments: {
        recordOrderPayments: async () => {
          if (++failures <= 5) throw new Error('payment database unavailable');
        },
      } satisfies OrderConfirmationPaymentActivities,
    });
    expect(await (await start(orderId, true)).result()).toEqual({ messageId: '<confirmation@test>' });
    expect(calls.count('recordOrderPayments')).toBe(6);
  });
});
