// Delivering webhooks to a receiver that never recovers: the order service's activities mocked, the clock skipped.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { WEBHOOK_RETRY_SCHEDULE } from '@cancelflow/domain/webhooks';
import type { NotificationActivities } from '../../src/contracts/notifications.ts';
import { webhookDeliveryWorkflowId, type NextWebhookDelivery, type WebhookActivities } from '../../src/contracts/webhook-delivery.ts';
import { webhookDeliveryWorkflow } from '../../src/webhook-delivery.ts';
import { startTimeSkippingEnvironment, type TimeSkippingEnvironment } from './environment.ts';

let env: TimeSkippingEnvironment;
beforeAll(async () => {
  env = await startTimeSkippingEnvironment();
}, 300_000);
afterAll(async () => {
  await env?.stop();
});

const DAY = 24 * 60 * 60 * 1000;

const start = (subscriptionId: string, orderId: string) =>
  env.workflow.start(webhookDeliveryWorkflow, {
    taskQueue: TASK_QUEUES.cancellations,
    workflowId: webhookDeliveryWorkflowId(subscriptionId, orderId),
    args: [{ subscriptionId, orderId }],
  });

describe('a receiver that keeps failing is retried with doubling waits for 3 days, then the subscription is disabled and the merchant emailed', () => {
  it('retries one delivery over 3 days, gives up once, emails once, and sends nothing of the order after it', async () => {
    const subscriptionId = randomUUID();
    const orderId = randomUUID();
    const queue = ['delivery-1', 'delivery-2'];
    const calls = await env.activities({
      webhooks: {
        nextWebhookDelivery: async (): Promise<NextWebhookDelivery> =>
          queue.length ? { kind: 'DELIVERY', deliveryId: queue[0]! } : { kind: 'EMPTY' },
        attemptWebhookDelivery: async () => ({ outcome: 'FAILED' as const, answer: 'HTTP 500' }),
        giveUpWebhookDelivery: async ({ deliveryId }) => ({
          notify: {
            to: 'integrations@merchant.example',
            messageKey: `webhook-subscription-disabled:${subscriptionId}:${deliveryId}`,
            data: { subscriptionId, url: 'https://erp.example/hook', eventId: 'e-1', eventType: 'order.imported', reason: 'HTTP 500' },
          },
        }),
      } satisfies WebhookActivities,
      notifications: { sendEmail: async () => ({ messageId: '<disabled@test>' }) } satisfies NotificationActivities,
    });

    expect(await (await start(subscriptionId, orderId)).result()).toBe('GAVE_UP');

    const attempts = calls.timesOf('attemptWebhookDelivery');
    const waits = attempts.slice(1).map((at, i) => at - attempts[i]!);
    // 30 s, 1 min, 2 min ... doubling up to 6 h between attempts.
    expect(waits[0]).toBeGreaterThanOrEqual(WEBHOOK_RETRY_SCHEDULE.firstMs);
    expect(waits[0]).toBeLessThan(WEBHOOK_RETRY_SCHEDULE.firstMs * 2);
    for (let i = 1; i < waits.length; i++)
      expect(waits[i]).toBeGreaterThanOrEqual(Math.min(waits[i - 1]!, WEBHOOK_RETRY_SCHEDULE.longestMs));
    expect(Math.max(...waits)).toBeLessThan(WEBHOOK_RETRY_SCHEDULE.longestMs + 60_000);
    const window = attempts.at(-1)! - attempts[0]!;
    expect(window).toBeGreaterThan(2.5 * DAY);
    expect(window).toBeLessThanOrEqual(3 * DAY);

    // Only the first delivery was tried: the second event of the order never overtakes it.
    expect(new Set(calls.inputsOf<{ deliveryId: string }>('attemptWebhookDelivery').map((i) => i.deliveryId))).toEqual(
      new Set(['delivery-1']),
    );
    expect(calls.inputsOf('giveUpWebhookDelivery')).toEqual([{ deliveryId: 'delivery-1', reason: expect.stringContaining('HTTP 500') }]);
    expect(calls.inputsOf('sendEmail')).toEqual([
      expect.objectContaining({ to: 'integrations@merchant.example', template: 'WEBHOOK_SUBSCRIPTION_DISABLED' }),
    ]);
  });

  it('a receiver that recovers on the third attempt gets the events of the order in order, and the process ends when none wait', async () => {
    const subscriptionId = randomUUID();
    const orderId = randomUUID();
    const pending = ['d-1', 'd-2', 'd-3'];
    let failures = 2;
    const calls = await env.activities({
      webhooks: {
        nextWebhookDelivery: async (): Promise<NextWebhookDelivery> =>
          pending.length ? { kind: 'DELIVERY', deliveryId: pending[0]! } : { kind: 'EMPTY' },
        attemptWebhookDelivery: async ({ deliveryId }) => {
          if (failures-- > 0) return { outcome: 'FAILED' as const, answer: 'no answer within 10000 ms' };
          pending.splice(pending.indexOf(deliveryId), 1);
          return { outcome: 'DELIVERED' as const };
        },
        giveUpWebhookDelivery: async () => ({}),
      } satisfies WebhookActivities,
    });
    expect(await (await start(subscriptionId, orderId)).result()).toBe('IDLE');
    expect(calls.inputsOf<{ deliveryId: string }>('attemptWebhookDelivery').map((i) => i.deliveryId)).toEqual([
      'd-1',
      'd-1',
      'd-1',
      'd-2',
      'd-3',
    ]);
    expect(calls.count('giveUpWebhookDelivery')).toBe(0);
  });

  it('stops when the subscription was disabled meanwhile, leaving its deliveries waiting', async () => {
    const calls = await env.activities({
      webhooks: {
        nextWebhookDelivery: async (): Promise<NextWebhookDelivery> => ({ kind: 'STOPPED' }),
        attemptWebhookDelivery: async () => ({ outcome: 'SKIPPED' as const }),
        giveUpWebhookDelivery: async () => ({}),
      } satisfies WebhookActivities,
    });
    expect(await (await start(randomUUID(), randomUUID())).result()).toBe('STOPPED');
    expect(calls.count('attemptWebhookDelivery')).toBe(0);
  });
});
