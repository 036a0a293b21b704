/**
 * From the outbox to the receivers. The sweep turns each outbox row (a copy of an order timeline
 * entry, written by a trigger in the same transaction as the change) into the webhook event it
 * is, with its resource as the API shows it, and one delivery per active subscription of the
 * merchant that wants that event, and deletes the row: all in one transaction, by one sweeper at
 * a time (an advisory lock), oldest row first, so an order's events are numbered in the order
 * they happened. Then it tells each subscription's delivery process of the order that deliveries
 * wait (signal with start); a delivery whose process may have missed that is told again later.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  RESOURCE_OF_EVENT,
  TASK_QUEUES,
  webhookDeliveryWorkflowId,
  webhookEventOf,
  type WebhookEventType,
  type WebhookResource,
} from '@cancelflow/domain';
import {
  WEBHOOK_DELIVERIES_WAITING_SIGNAL,
  WEBHOOK_DELIVERY_WORKFLOW_TYPE,
  type WebhookDeliveryInput,
} from '@cancelflow/workflows/contracts/webhook-delivery';
import type { Database, Logger } from '@cancelflow/service-kit';
import { WebhookDelivery, WebhookEvent, WebhookSubscription } from '../db/entities/index.ts';
import type { WebhookSettings } from './settings.ts';

/** The resource's documented view, read in the sweep's transaction; undefined when it is gone. */
export type ResourceLoader = (em: EntityManager, resource: WebhookResource, id: string) => Promise<unknown>;

export interface SweepDeps {
  db: Database;
  temporal: Client;
  logger: Logger;
  settings: WebhookSettings;
  loadResource: ResourceLoader;
}

interface OutboxRow {
  seq: string;
  source_id: string;
  order_id: string;
  timeline_type: string;
  detail: Record<string, unknown>;
  at: Date | string;
}

const BATCH = 200;
/** A delivery still waiting this long after its process was told is told again (signals are cheap, a lost one is not). */
const RENUDGE_AFTER = '10 minutes';

/** One batch of the outbox into events and deliveries; the number of outbox rows it took. */
export async function sweepOutbox(deps: SweepDeps): Promise<number> {
  return deps.db.em.fork().transactional(async (em) => {
    const [lock] = await em.execute<{ locked: boolean }[]>(
      `select pg_try_advisory_xact_lock(hashtext('cancelflow.webhook-outbox')) as "locked"`,
    );
    if (!lock?.locked) return 0;
    const rows = await em.execute<OutboxRow[]>(
      `select "seq", "source_id", "order_id", "timeline_type", "detail", "at" from "orders"."webhook_outbox" order by "seq" limit ?`,
      [BATCH],
    );
    if (rows.length === 0) return 0;
    const orderIds = [...new Set(rows.map((r) => r.order_id))];
    const owners = await em.execute<{ id: string; merchant_id: string }[]>(
      `select "id", "merchant_id" from "orders"."order" where "id" in (${orderIds.map(() => '?').join(', ')})`,
      orderIds,
    );
    const merchantOf = new Map(owners.map((o) => [o.id, o.merchant_id]));
    const merchants = [...new Set(owners.map((o) => o.merchant_id))];
    const subscriptions = merchants.length ? await em.find(WebhookSubscription, { merchantId: { $in: merchants }, status: 'ACTIVE' }) : [];
    const now = new Date();
    const deliveries: { subscriptionId: string; eventId: string; seq: number; orderId: string }[] = [];
    for (const row of rows) {
      const source = webhookEventOf(row.order_id, { type: row.timeline_type, detail: row.detail });
      const merchantId = merchantOf.get(row.order_id);
      if (!source || !merchantId) continue;
      const wanting = subscriptions.filter((s) => s.merchantId === merchantId && s.events.includes(source.type));
      // An event nobody subscribed to is not kept: a subscription hears what happens after it exists.
      if (wanting.length === 0) continue;
      const data = await deps.loadResource(em, RESOURCE_OF_EVENT[source.type], source.resourceId);
      if (data === undefined) {
        deps.logger.warn(
          { orderId: row.order_id, type: row.timeline_type },
          'the resource of a webhook event is gone; the event is dropped',
        );
        continue;
      }
      const id = randomUUID();
      const occurredAt = new Date(row.at).toISOString();
      const payload = JSON.stringify({
        id,
        type: source.type,
        occurredAt,
        merchantId,
        orderId: row.order_id,
        ...(source.step ? { step: source.step } : {}),
        data,
      });
      const seq = Number(row.seq);
      em.create(WebhookEvent, {
        id,
        seq,
        sourceId: row.source_id,
        merchantId,
        orderId: row.order_id,
        type: source.type satisfies WebhookEventType,
        occurredAt: new Date(occurredAt),
        payload,
      });
      for (const s of wanting) deliveries.push({ subscriptionId: s.id, eventId: id, seq, orderId: row.order_id });
    }
    // Events first: the deliveries refer to them.
    await em.flush();
    for (const d of deliveries) em.create(WebhookDelivery, newDelivery(d, now, false));
    await em.flush();
    await em.execute(
      `delete from "orders"."webhook_outbox" where "seq" in (${rows.map(() => '?').join(', ')})`,
      rows.map((r) => r.seq),
    );
    return rows.length;
  });
}

export const newDelivery = (
  d: { subscriptionId: string; eventId: string; seq: number; orderId: string },
  now: Date,
  redelivery: boolean,
): WebhookDelivery => ({
  id: randomUUID(),
  subscriptionId: d.subscriptionId,
  eventId: d.eventId,
  eventSeq: d.seq,
  orderId: d.orderId,
  status: 'PENDING',
  attempts: 0,
  firstAttemptAt: null,
  lastAttemptAt: null,
  lastStatus: null,
  lastError: null,
  lastBody: null,
  deliveredAt: null,
  redelivery,
  nudgedAt: null,
  createdAt: now,
});

/** Tells the delivery processes of waiting deliveries (starting those that are not running); how many it told. */
export async function nudgeDeliveryProcesses(deps: SweepDeps): Promise<number> {
  const em = deps.db.em.fork();
  const [clock] = await em.execute<{ now: Date }[]>(`select clock_timestamp() as "now"`);
  const cutoff = clock!.now;
  const waiting = await em.execute<{ subscription_id: string; order_id: string }[]>(
    `select distinct d."subscription_id", d."order_id" from "orders"."webhook_delivery" d
       join "orders"."webhook_subscription" s on s."id" = d."subscription_id"
      where d."status" = 'PENDING' and s."status" = 'ACTIVE' and d."created_at" <= ?
        and (d."nudged_at" is null or d."nudged_at" < now() - interval '${RENUDGE_AFTER}')
      limit ?`,
    [cutoff, BATCH],
  );
  for (const { subscription_id: subscriptionId, order_id: orderId } of waiting) {
    const input: WebhookDeliveryInput = {
      subscriptionId,
      orderId,
      ...(deps.settings.retry ? { retry: deps.settings.retry } : {}),
      ...(deps.settings.idleMs !== undefined ? { idleMs: deps.settings.idleMs } : {}),
    };
    await deps.temporal.workflow.signalWithStart(WEBHOOK_DELIVERY_WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUES.cancellations,
      workflowId: webhookDeliveryWorkflowId(subscriptionId, orderId),
      args: [input],
      signal: WEBHOOK_DELIVERIES_WAITING_SIGNAL,
      signalArgs: [],
    });
    // Only what existed when the process was told: a later delivery is told in the next sweep.
    await em.execute(
      `update "orders"."webhook_delivery" set "nudged_at" = now()
        where "subscription_id" = ? and "order_id" = ? and "status" = 'PENDING' and "created_at" <= ?
          and ("nudged_at" is null or "nudged_at" < now() - interval '${RENUDGE_AFTER}')`,
      [subscriptionId, orderId, cutoff],
    );
  }
  return waiting.length;
}

/** Sweeps and tells every sweepIntervalMs until stopped; returns the stop. */
export function startWebhookSweep(deps: SweepDeps): () => Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const round = async () => {
    while (!stopped && (await sweepOutbox(deps)) === BATCH);
    if (!stopped) await nudgeDeliveryProcesses(deps);
  };
  const tick = () => {
    running = round()
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'the webhook sweep failed; it runs again shortly'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.settings.sweepIntervalMs);
      });
  };
  timer = setTimeout(tick, deps.settings.sweepIntervalMs);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
