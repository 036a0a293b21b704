/**
 * Delivering one subscription's events of one order, oldest first. One process per subscription
 * and order (not per subscription, not per event): the events of an order must reach the
 * receiver in the order they happened, which one process per order gives without ever making
 * orders wait for each other; one per subscription would hold every order behind one failing
 * event, one per event could not keep an order's events in order. The process is short-lived: it
 * ends when no event of its order has waited for a minute, and the order service starts it again
 * (signal with start) when the next one comes.
 *
 * A receiver that fails is retried with waits that double, for up to 3 days from the first
 * attempt; then the delivery has failed, the subscription is disabled and the merchant emailed.
 */
import { condition, continueAsNew, defineSignal, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { nextAttemptInMs, WEBHOOK_RETRY_SCHEDULE, type WebhookRetrySchedule } from '@cancelflow/domain/webhooks';
import { WEBHOOK_DELIVERIES_WAITING_SIGNAL, type WebhookDeliveryInput } from './contracts/webhook-delivery.ts';
import { notifications, webhooks } from './proxies.ts';

export const webhookDeliveriesWaiting = defineSignal(WEBHOOK_DELIVERIES_WAITING_SIGNAL);

export type WebhookDeliveryOutcome = 'IDLE' | 'STOPPED' | 'GAVE_UP';

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<WebhookDeliveryOutcome> {
  let waiting = false;
  setHandler(webhookDeliveriesWaiting, () => {
    waiting = true;
  });
  const schedule = input.retry ?? WEBHOOK_RETRY_SCHEDULE;
  for (;;) {
    waiting = false;
    const next = await webhooks.nextWebhookDelivery({ subscriptionId: input.subscriptionId, orderId: input.orderId });
    if (next.kind === 'STOPPED') return 'STOPPED';
    if (next.kind === 'EMPTY') {
      if (await condition(() => waiting, input.idleMs ?? 60_000)) continue;
      return 'IDLE';
    }
    const delivered = await deliver(next.deliveryId, schedule);
    if (!delivered) return 'GAVE_UP';
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof webhookDeliveryWorkflow>(input);
  }
}

/** Attempts until the receiver accepts, the delivery is no longer wanted, or the window is over; false: given up. */
async function deliver(deliveryId: string, schedule: WebhookRetrySchedule): Promise<boolean> {
  const firstAttemptAt = Date.now();
  for (let failed = 1; ; failed++) {
    const attempt = await webhooks.attemptWebhookDelivery({ deliveryId });
    if (attempt.outcome !== 'FAILED') return true;
    const wait = nextAttemptInMs(schedule, failed, Date.now() - firstAttemptAt);
    if (wait === undefined) {
      await giveUp(
        deliveryId,
        `the receiver did not accept the event in ${failed} attempts over ${hours(Date.now() - firstAttemptAt)} (last: ${attempt.answer ?? 'no answer'})`,
      );
      return false;
    }
    await sleep(wait);
  }
}

async function giveUp(deliveryId: string, reason: string): Promise<void> {
  const { notify } = await webhooks.giveUpWebhookDelivery({ deliveryId, reason });
  if (notify)
    await notifications.sendEmail({
      messageKey: notify.messageKey,
      to: notify.to,
      template: 'WEBHOOK_SUBSCRIPTION_DISABLED',
      data: notify.data,
    });
}

const hours = (ms: number): string => `${Math.round(ms / 3_600_000)} hours`;
