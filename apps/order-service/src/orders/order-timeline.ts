/**
 * The order's timeline: its events and its cancellations' steps, oldest first. A step is written
 * once, as a step (with the work it records); the timeline reads it from there.
 */
import type { TimelineEventBody } from '@cancelflow/domain';
import type { CancellationStepRecord, OrderEvent } from '../db/entities/index.ts';

export function orderTimeline(events: readonly OrderEvent[], steps: readonly CancellationStepRecord[]): TimelineEventBody[] {
  const entries = [
    ...events.map((e) => ({ at: e.at, entry: { type: e.type, detail: e.detail, actor: e.actor, at: e.at.toISOString() } })),
    ...steps.map((s) => ({
      at: s.at,
      entry: {
        type: `CANCELLATION_${s.step}`,
        detail: { cancellationId: s.cancellationId, ...(s.detail ? { detail: s.detail } : {}), ...(s.key ? { key: s.key } : {}) },
        actor: s.actor,
        at: s.at.toISOString(),
        cancellationId: s.cancellationId,
        step: s.step,
      },
    })),
  ];
  // Stable: what happened at the same moment keeps the order it was written in.
  return entries.sort((a, b) => a.at.getTime() - b.at.getTime()).map((e) => e.entry);
}
