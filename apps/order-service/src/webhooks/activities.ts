/**
 * What the webhook delivery process asks of the order service (the webhooks task queue): the
 * next delivery of an order, one attempt at it, and giving up on it. Each attempt is recorded in
 * the delivery log whatever its outcome; a failed answer is an outcome, not an error, so the
 * process keeps its own schedule of retries.
 */
import { Context } from '@temporalio/activity';
import { LockMode } from '@mikro-orm/core';
import { isAccepted, WEBHOOK_HEADERS } from '@cancelflow/domain';
import type {
  NextWebhookDelivery,
  WebhookActivities,
  WebhookAttempt,
  WebhookSubscriptionDisabled,
} from '@cancelflow/workflows/contracts/webhook-delivery';
import type { Database } from '@cancelflow/service-kit';
import { WebhookDelivery, WebhookEvent, WebhookSubscription } from '../db/entities/index.ts';
import { decryptSecret } from './secrets.ts';
import { postEvent, type PostResult } from './sender.ts';
import { signatureHeader } from './signature.ts';
import type { WebhookSettings } from './settings.ts';

const HEARTBEAT_MS = 1_000;

export function createWebhookActivities(deps: { db: Database; settings: WebhookSettings }): WebhookActivities {
  const fresh = () => deps.db.em.fork();

  return {
    async nextWebhookDelivery({ subscriptionId, orderId }): Promise<NextWebhookDelivery> {
      const em = fresh();
      const subscription = await em.findOne(WebhookSubscription, { id: subscriptionId });
      if (!subscription || subscription.status !== 'ACTIVE') return { kind: 'STOPPED' };
      const next = await em.findOne(
        WebhookDelivery,
        { subscriptionId, orderId, status: 'PENDING' },
        { orderBy: { eventSeq: 'asc', createdAt: 'asc', id: 'asc' } },
      );
      return next ? { kind: 'DELIVERY', deliveryId: next.id } : { kind: 'EMPTY' };
    },

    async attemptWebhookDelivery({ deliveryId }): Promise<WebhookAttempt> {
      const em = fresh();
      const delivery = await em.findOne(WebhookDelivery, { id: deliveryId });
      if (!delivery || delivery.status !== 'PENDING') return { outcome: 'SKIPPED' };
      const [subscription, event] = await Promise.all([
        em.findOne(WebhookSubscription, { id: delivery.subscriptionId }),
        em.findOne(WebhookEvent, { id: delivery.eventId }),
      ]);
      if (!subscription || subscription.status !== 'ACTIVE' || !event) return { outcome: 'SKIPPED' };
      await em.execute(
        `update "orders"."webhook_delivery" set "attempts" = "attempts" + 1, "first_attempt_at" = coalesce("first_attempt_at", now()), "last_attempt_at" = now() where "id" = ?`,
        [deliveryId],
      );
      let result: PostResult;
      // Beats while the receiver takes its time: a worker lost mid-POST is noticed within the
      // heartbeat timeout and the attempt runs again elsewhere (same event id, so nothing is lost or doubled for the receiver).
      const context = Context.current();
      const beating = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
      try {
        const secret = decryptSecret(deps.settings.secretsKey, subscription.secretCiphertext);
        const timestamp = Math.floor(Date.now() / 1000);
        result = await postEvent({
          url: subscription.url,
          body: event.payload,
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'CancelFlow-Webhooks/1',
            [WEBHOOK_HEADERS.signature]: signatureHeader(secret, timestamp, event.payload),
            [WEBHOOK_HEADERS.idempotency]: event.id,
            [WEBHOOK_HEADERS.eventType]: event.type,
          },
          timeoutMs: deps.settings.timeoutMs,
          allowPrivate: deps.settings.allowPrivateAddresses,
          lookup: deps.settings.lookup,
        });
      } catch (error) {
        // A secret that no longer decrypts (WEBHOOK_SECRETS_KEY changed) fails like a receiver that never answers.
        result = { error: (error as Error).message };
      } finally {
        clearInterval(beating);
      }
      const accepted = 'status' in result && isAccepted(result.status);
      await em.execute(
        `update "orders"."webhook_delivery"
            set "status" = case when ? then 'DELIVERED' else "status" end,
                "delivered_at" = case when ? then now() else "delivered_at" end,
                "last_status" = ?, "last_error" = ?, "last_body" = ?
          where "id" = ? and "status" = 'PENDING'`,
        [
          accepted,
          accepted,
          'status' in result ? result.status : null,
          'error' in result ? result.error : null,
          'body' in result ? result.body : null,
          deliveryId,
        ],
      );
      if (accepted) return { outcome: 'DELIVERED' };
      return { outcome: 'FAILED', answer: 'status' in result ? `HTTP ${result.status}` : result.error };
    },

    async giveUpWebhookDelivery({ deliveryId, reason }): Promise<WebhookSubscriptionDisabled> {
      return fresh().transactional(async (em) => {
        const delivery = await em.findOne(WebhookDelivery, { id: deliveryId });
        if (!delivery) return {};
        const subscription = await em.findOne(
          WebhookSubscription,
          { id: delivery.subscriptionId },
          { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
        );
        if (delivery.status === 'PENDING') delivery.status = 'FAILED';
        if (!subscription) return {};
        if (subscription.status === 'ACTIVE') {
          subscription.status = 'DISABLED';
          subscription.disabledAt = new Date();
          subscription.disabledReason = reason;
          subscription.disabledByDeliveryId = deliveryId;
          subscription.updatedAt = new Date();
        }
        await em.flush();
        // Disabled by another delivery (or by the merchant): that one told, or nobody needs telling.
        if (subscription.disabledByDeliveryId !== deliveryId) return {};
        const event = await em.findOne(WebhookEvent, { id: delivery.eventId });
        return {
          notify: {
            to: subscription.email ?? deps.settings.merchantEmail,
            messageKey: `webhook-subscription-disabled:${subscription.id}:${deliveryId}`,
            data: {
              subscriptionId: subscription.id,
              url: subscription.url,
              eventId: delivery.eventId,
              eventType: event?.type ?? 'unknown',
              reason,
            },
          },
        };
      });
    },
  };
}
