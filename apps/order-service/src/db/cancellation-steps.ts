/**
 * A cancellation's steps: each written once, by whoever does the step's work, in the same
 * transaction as that work. The order's timeline reads them; nothing copies them.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CancellationStep } from '@cancelflow/domain';

export interface StepToRecord {
  cancellationId: string;
  step: CancellationStep;
  /** Distinguishes repeated steps, e.g. one REFUND_REQUESTED per attempt. */
  key?: string;
  detail?: string;
  actor?: string;
}

/**
 * Inserts the step unless the same step and key is there already (a retry after the work
 * committed); true when it was inserted. Callers hold the order's row lock, as every writer of an
 * order and its cancellations takes it first.
 */
export async function recordStepOnce(em: EntityManager, step: StepToRecord): Promise<boolean> {
  const inserted = await em.execute<{ id: string }[]>(
    `insert into "orders"."cancellation_step" ("id", "cancellation_id", "step", "key", "detail", "actor")
     values (?, ?, ?, ?, ?, ?) on conflict ("cancellation_id", "step", "key") do nothing returning "id"`,
    [randomUUID(), step.cancellationId, step.step, step.key ?? '', step.detail ?? null, step.actor ?? 'workflow'],
  );
  return inserted.length > 0;
}
