/**
 * What the provider tells us later about a refund (its webhook, the sandbox's, or its answer when
 * we asked): recorded once per event id, applied to the part it names, and the refund's status
 * re-derived from its parts. An event and an answer racing settle the part once: both take the
 * refund's row lock and only a PENDING part moves, so only one of them reports the change.
 */
import { LockMode } from '@mikro-orm/core';
import { NotFoundError, type ProviderEvent } from '@cancelflow/domain';
import { Refund, RefundPart } from '../db/entities/index.ts';
import { recomputeRefundStatus, viewOf, type EntityManager } from './store.ts';
import type { RefundView } from './views.ts';

export interface ProviderEventResult {
  /** The event was seen before: nothing changed. */
  duplicate: boolean;
  /** The refund's status moved (e.g. PENDING -> SUCCEEDED): the workflow must hear of it. */
  statusChanged: boolean;
  refund: RefundView;
}

export async function applyProviderEvent(em: EntityManager, event: ProviderEvent): Promise<ProviderEventResult> {
  return em.fork().transactional(async (tem) => {
    const part = await partOf(tem, event);
    if (!part) {
      throw new NotFoundError(
        `no refund part has providerRefundId ${event.providerRefundId}: it is not a refund this service asked for, ` +
          'or it belongs to an attempt that has since been retried',
      );
    }
    const refund = await tem.findOneOrFail(Refund, { id: part.refundId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const recorded = await tem.execute<{ event_id: string }[]>(
      `insert into "payments"."provider_event" ("event_id", "type", "payload", "received_at")
       values (?, ?, ?::jsonb, now()) on conflict ("event_id") do nothing returning "event_id"`,
      [event.eventId, event.type, JSON.stringify(event)],
    );
    if (recorded.length === 0) {
      return { duplicate: true, statusChanged: false, refund: await viewOf(tem, refund) };
    }

    await tem.refresh(part);
    const same = part.providerRefundId ? part.providerRefundId === event.providerRefundId : part.idempotencyKey === event.merchantReference;
    if (!same) {
      // A retry of a failed refund reset the part meanwhile: this event is about the old attempt.
      throw new NotFoundError(
        `refund part ${part.id} is no longer the provider's ${event.providerRefundId}: a retry replaced that attempt`,
      );
    }
    part.providerRefundId = event.providerRefundId;
    if (part.status === 'PENDING') {
      // A part that already ended keeps its outcome: providers do not un-settle money.
      part.status = event.type === 'refund.settled' ? 'SUCCEEDED' : 'FAILED';
      part.failureReason = event.type === 'refund.failed' ? (event.failureReason ?? 'the provider reported the refund failed') : null;
      part.settledAt = new Date();
    }
    await tem.flush();
    const { before, after } = await recomputeRefundStatus(tem, refund);
    return { duplicate: false, statusChanged: before !== after, refund: await viewOf(tem, refund) };
  });
}

/**
 * The part an event is about: by the provider's id, or by the idempotency key it echoes, which the
 * part holds from before the provider is called. One query for both: asked one after the other, a
 * link committed in between (the provider answered while its event was on the way) hid the part
 * from both, and the event was refused and sent again.
 */
export async function partOf(em: EntityManager, event: ProviderEvent) {
  const byKey = event.merchantReference ? [{ idempotencyKey: event.merchantReference }] : [];
  const found = await em.find(RefundPart, { $or: [{ providerRefundId: event.providerRefundId }, ...byKey] });
  // The provider's id wins: a key echoed by an event of an attempt since retried names the new attempt's part.
  return found.find((part) => part.providerRefundId === event.providerRefundId) ?? found[0] ?? null;
}
