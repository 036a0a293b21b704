import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { Router } from 'express';
import {
  ConflictError,
  createWebhookSubscriptionSchema,
  ForbiddenError,
  isUuid,
  listWebhookDeliveriesQuerySchema,
  listWebhookSubscriptionsQuerySchema,
  NotFoundError,
  redeliverWebhookEventsSchema,
  updateWebhookSubscriptionSchema,
  ValidationError,
  webhookDeliveryPageSchema,
  webhookRedeliveryAcceptedSchema,
  webhookSubscriptionBodySchema,
  webhookSubscriptionCreatedSchema,
  webhookSubscriptionListSchema,
  type WebhookDeliveryBody,
  type WebhookEventType,
  type WebhookSubscriptionBody,
} from '@cancelflow/domain';
import { describe, merchantFilter, parse, principalOf, type Database, type IdLocation, type Owner } from '@cancelflow/service-kit';
import { WebhookDelivery, WebhookEvent, WebhookSubscription } from '../db/entities/index.ts';
import { assertId } from '../db/order-store.ts';
import type { ServiceDeps } from '../deps.ts';
import { checkedAddresses, RefusedAddressError } from '../webhooks/address-guard.ts';
import { newWebhookSecret } from '../webhooks/secrets.ts';
import { defaultWebhookSettings, type WebhookSettings } from '../webhooks/settings.ts';
import { newDelivery } from '../webhooks/sweep.ts';
import { STAFF } from './owners.ts';

const TAGS = ['webhooks'];

/** The merchant of a subscription, for the routes' access rules: another merchant's subscription is 404. */
const subscriptionOwner =
  (db: Database) =>
  (at: IdLocation): Owner => ({
    what: 'webhook subscription',
    at,
    merchantOf: async (id) => {
      if (!isUuid(id)) return undefined;
      const rows = await db.em
        .fork()
        .execute<{ merchant_id: string }[]>(`select "merchant_id" from "orders"."webhook_subscription" where "id" = ?`, [id.toLowerCase()]);
      return rows[0]?.merchant_id;
    },
  });

/**
 * Merchants' webhook subscriptions: created (the signing secret shown once), listed, changed
 * (disabled, enabled again), deleted; each one's delivery log, and redelivery of one event or of
 * a time range.
 */
export function webhooksRouter(deps: ServiceDeps): Router {
  const router = Router();
  const settings: WebhookSettings = deps.webhooks ?? defaultWebhookSettings();
  const owner = subscriptionOwner(deps.db)({ param: 'id' });

  const findSubscription = async (id: string | undefined) => {
    const subscriptionId = assertId(id, 'webhook subscription');
    const subscription = await deps.db.em.fork().findOne(WebhookSubscription, { id: subscriptionId });
    if (!subscription) throw new NotFoundError(`no webhook subscription ${subscriptionId}`);
    return subscription;
  };

  /** Refused now rather than at the first delivery: a URL that points into a private network. */
  const assertReachable = async (url: string) => {
    try {
      await checkedAddresses(new URL(url).hostname, { allowPrivate: settings.allowPrivateAddresses, lookup: settings.lookup });
    } catch (error) {
      if (!(error instanceof RefusedAddressError)) throw error;
      throw new ValidationError(`url: ${error.message}`, [{ path: 'url', message: error.message }]);
    }
  };

  router.post(
    '/webhook-subscriptions',
    describe({
      summary: 'Subscribe a receiver to events (the signing secret is in this answer only)',
      tags: TAGS,
      access: { roles: ['MERCHANT'] },
      body: createWebhookSubscriptionSchema,
      responses: {
        201: { description: 'the subscription, with `secret` shown this once', schema: webhookSubscriptionCreatedSchema },
        400: 'a field is invalid, or the URL points to a private, loopback or link-local address',
      },
    }),
    async (req, res) => {
      const principal = principalOf(res);
      const merchantId = principal.merchantId;
      if (merchantId === undefined)
        throw new ForbiddenError("a subscription belongs to one merchant: create it with that merchant's token");
      const input = parse(createWebhookSubscriptionSchema, req.body);
      await assertReachable(input.url);
      const { secret, prefix, ciphertext } = newWebhookSecret(settings.secretsKey);
      const em = deps.db.em.fork();
      const now = new Date();
      const subscription = em.create(WebhookSubscription, {
        id: randomUUID(),
        merchantId,
        url: input.url,
        events: input.events,
        description: input.description ?? null,
        email: input.email ?? null,
        status: 'ACTIVE',
        disabledReason: null,
        disabledAt: null,
        disabledByDeliveryId: null,
        secretCiphertext: ciphertext,
        secretPrefix: prefix,
        createdBy: principal.subject,
        createdAt: now,
        updatedAt: now,
      });
      await em.flush();
      res.status(201).json({ ...subscriptionView(subscription), secret });
    },
  );

  router.get(
    '/webhook-subscriptions',
    describe({
      summary: "The merchant's webhook subscriptions (never their secrets)",
      tags: TAGS,
      access: { roles: STAFF, list: true },
      query: listWebhookSubscriptionsQuerySchema,
      responses: { 200: { description: 'items: the subscriptions, newest first', schema: webhookSubscriptionListSchema } },
    }),
    async (req, res) => {
      const query = parse(listWebhookSubscriptionsQuerySchema, req.query, 'query');
      const scope = merchantFilter(principalOf(res), query.merchantId);
      if (scope === null) return void res.json({ items: [] });
      const items = await deps.db.em
        .fork()
        .find(WebhookSubscription, scope ? { merchantId: scope } : {}, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: 500 });
      res.json({ items: items.map(subscriptionView) });
    },
  );

  router.get(
    '/webhook-subscriptions/:id',
    describe({
      summary: 'A webhook subscription',
      tags: TAGS,
      access: { roles: STAFF, owner },
      responses: { 200: { description: 'the subscription', schema: webhookSubscriptionBodySchema }, 404: 'no such subscription' },
    }),
    async (req, res) => {
      res.json(subscriptionView(await findSubscription(req.params.id)));
    },
  );

  router.patch(
    '/webhook-subscriptions/:id',
    describe({
      summary: 'Change a subscription: its URL, events, email, or status (ACTIVE again resumes the deliveries that wait)',
      tags: TAGS,
      access: { roles: STAFF, owner },
      body: updateWebhookSubscriptionSchema,
      responses: {
        200: { description: 'the subscription as changed', schema: webhookSubscriptionBodySchema },
        404: 'no such subscription',
        400: 'a field is invalid',
      },
    }),
    async (req, res) => {
      const input = parse(updateWebhookSubscriptionSchema, req.body);
      const found = await findSubscription(req.params.id);
      if (input.url !== undefined) await assertReachable(input.url);
      const em = deps.db.em.fork();
      const subscription = await em.transactional(async (tx) => {
        const s = (await tx.findOne(WebhookSubscription, { id: found.id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }))!;
        if (input.url !== undefined) s.url = input.url;
        if (input.events !== undefined) s.events = input.events as WebhookEventType[];
        if (input.description !== undefined) s.description = input.description;
        if (input.email !== undefined) s.email = input.email;
        if (input.status === 'DISABLED' && s.status === 'ACTIVE') {
          s.status = 'DISABLED';
          s.disabledAt = new Date();
          s.disabledReason = `disabled by ${principalOf(res).subject}`;
          s.disabledByDeliveryId = null;
        }
        if (input.status === 'ACTIVE' && s.status === 'DISABLED') {
          s.status = 'ACTIVE';
          s.disabledAt = null;
          s.disabledReason = null;
          s.disabledByDeliveryId = null;
          // The deliveries that waited start again; a FAILED one is sent again by asking for its redelivery.
          await tx.execute(
            `update "orders"."webhook_delivery" set "nudged_at" = null where "subscription_id" = ? and "status" = 'PENDING'`,
            [s.id],
          );
        }
        s.updatedAt = new Date();
        return s;
      });
      res.json(subscriptionView(subscription));
    },
  );

  router.delete(
    '/webhook-subscriptions/:id',
    describe({
      summary: 'Delete a subscription and its delivery log: nothing more is sent to it',
      tags: TAGS,
      access: { roles: STAFF, owner },
      responses: { 200: { description: 'the subscription, deleted', schema: webhookSubscriptionBodySchema }, 404: 'no such subscription' },
    }),
    async (req, res) => {
      const subscription = await findSubscription(req.params.id);
      await deps.db.em.fork().nativeDelete(WebhookSubscription, { id: subscription.id });
      res.json(subscriptionView(subscription));
    },
  );

  router.get(
    '/webhook-subscriptions/:id/deliveries',
    describe({
      summary: "The subscription's delivery log: each event's status, attempts and the receiver's last answer, newest first",
      tags: TAGS,
      access: { roles: STAFF, owner },
      query: listWebhookDeliveriesQuerySchema,
      responses: { 200: { description: 'a page of deliveries', schema: webhookDeliveryPageSchema }, 404: 'no such subscription' },
    }),
    async (req, res) => {
      const query = parse(listWebhookDeliveriesQuerySchema, req.query, 'query');
      const subscription = await findSubscription(req.params.id);
      const em = deps.db.em.fork();
      const where = { subscriptionId: subscription.id, ...(query.status ? { status: query.status } : {}) };
      const [deliveries, total] = await em.findAndCount(WebhookDelivery, where, {
        orderBy: { createdAt: 'desc', eventSeq: 'desc', id: 'asc' },
        limit: query.limit,
        offset: query.offset,
      });
      res.json({ items: await deliveryViews(em, deliveries), total, limit: query.limit, offset: query.offset });
    },
  );

  router.post(
    '/webhook-subscriptions/:id/redeliveries',
    describe({
      summary: 'Send one event again (eventId), or every event of a time range (from, to) that the subscription wants',
      tags: TAGS,
      access: { roles: STAFF, owner },
      body: redeliverWebhookEventsSchema,
      responses: {
        202: { description: 'the deliveries queued (the log shows how they go)', schema: webhookRedeliveryAcceptedSchema },
        404: 'no such subscription, or no such event of its merchant',
        409: 'the subscription is disabled: enable it first',
        400: 'neither eventId nor a valid range',
      },
    }),
    async (req, res) => {
      const input = parse(redeliverWebhookEventsSchema, req.body);
      const subscription = await findSubscription(req.params.id);
      if (subscription.status !== 'ACTIVE') {
        throw new ConflictError(
          `webhook subscription ${subscription.id} is disabled: enable it (status ACTIVE) before asking for redeliveries`,
        );
      }
      const em = deps.db.em.fork();
      const events =
        'eventId' in input
          ? await em.find(WebhookEvent, { id: input.eventId.toLowerCase(), merchantId: subscription.merchantId })
          : await em.find(
              WebhookEvent,
              {
                merchantId: subscription.merchantId,
                type: { $in: subscription.events },
                occurredAt: { $gte: new Date(input.from), $lte: new Date(input.to) },
              },
              { orderBy: { seq: 'asc' }, limit: 10_000 },
            );
      if ('eventId' in input && events.length === 0) throw new NotFoundError(`no event ${input.eventId}`);
      const now = new Date();
      const deliveries = events.map((e) =>
        em.create(
          WebhookDelivery,
          newDelivery({ subscriptionId: subscription.id, eventId: e.id, seq: e.seq, orderId: e.orderId }, now, true),
        ),
      );
      await em.flush();
      res.status(202).json({ deliveries: await deliveryViews(em, deliveries) });
    },
  );

  return router;
}

const subscriptionView = (s: WebhookSubscription): WebhookSubscriptionBody => ({
  id: s.id,
  merchantId: s.merchantId,
  url: s.url,
  events: s.events,
  description: s.description ?? undefined,
  email: s.email ?? undefined,
  status: s.status,
  disabledReason: s.disabledReason ?? undefined,
  secretPrefix: s.secretPrefix,
  createdBy: s.createdBy,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
  disabledAt: s.disabledAt?.toISOString(),
});

async function deliveryViews(
  em: ReturnType<Database['em']['fork']>,
  deliveries: readonly WebhookDelivery[],
): Promise<WebhookDeliveryBody[]> {
  const ids = [...new Set(deliveries.map((d) => d.eventId))];
  const events = ids.length ? await em.find(WebhookEvent, { id: { $in: ids } }, { fields: ['id', 'type', 'occurredAt'] }) : [];
  return deliveries.map((d) => {
    // Every delivery has its event (a foreign key).
    const event = events.find((e) => e.id === d.eventId)!;
    const answered = d.lastStatus !== null || d.lastError !== null;
    return {
      id: d.id,
      subscriptionId: d.subscriptionId,
      eventId: d.eventId,
      eventType: event.type as WebhookEventType,
      orderId: d.orderId,
      occurredAt: event.occurredAt.toISOString(),
      status: d.status,
      attempts: d.attempts,
      lastAttemptAt: d.lastAttemptAt?.toISOString(),
      lastAnswer: answered
        ? {
            ...(d.lastStatus !== null ? { status: d.lastStatus } : {}),
            ...(d.lastError !== null ? { error: d.lastError } : {}),
            ...(d.lastBody ? { body: d.lastBody } : {}),
          }
        : undefined,
      deliveredAt: d.deliveredAt?.toISOString(),
      redelivery: d.redelivery,
      createdAt: d.createdAt.toISOString(),
    };
  });
}
