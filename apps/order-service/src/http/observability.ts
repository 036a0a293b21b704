import {
  databaseGauge,
  serviceReadiness,
  type Database,
  type HttpAppOptions,
  type Registry,
  type RunningWorker,
} from '@cancelflow/service-kit';
import type { Client } from '@temporalio/client';

/** What /readyz checks and what /metrics adds for the order service. */
export function orderServiceObservability(
  db: Database,
  temporal: Client,
  workers: readonly RunningWorker[],
): Pick<HttpAppOptions, 'readiness' | 'metrics'> {
  const rows = <T>(sql: string) => db.em.fork().execute<T[]>(sql);
  return {
    readiness: serviceReadiness(db, temporal, workers),
    metrics: (registry: Registry) => {
      databaseGauge(registry, {
        name: 'cancelflow_cancellations',
        help: 'Cancellations by status and channel (read from the database on scrape)',
        labelNames: ['status', 'channel'],
        read: async () =>
          (
            await rows<{ status: string; channel: string; n: string }>(
              `select c.status, o.channel, count(*) as n from orders.cancellation c join orders."order" o on o.id = c.order_id group by c.status, o.channel`,
            )
          ).map((r) => ({ labels: { status: r.status, channel: r.channel }, value: Number(r.n) })),
      });
      databaseGauge(registry, {
        name: 'cancelflow_cancellation_refunds',
        help: 'Refund outcome of cancellations as the order service knows it (PENDING, SUCCEEDED, FAILED, NONE)',
        labelNames: ['outcome'],
        read: async () =>
          (
            await rows<{ outcome: string; n: string }>(
              `select coalesce(refund_status, 'NONE') as outcome, count(*) as n from orders.cancellation group by 1`,
            )
          ).map((r) => ({ labels: { outcome: r.outcome }, value: Number(r.n) })),
      });
      databaseGauge(registry, {
        name: 'cancelflow_open_cancellation_requests',
        help: 'Customer cancellation requests waiting for a decision, by source',
        labelNames: ['source'],
        read: async () =>
          (
            await rows<{ source: string; n: string }>(
              `select source, count(*) as n from orders.cancellation_request where status = 'REQUESTED' group by source`,
            )
          ).map((r) => ({ labels: { source: r.source }, value: Number(r.n) })),
      });
      databaseGauge(registry, {
        name: 'cancelflow_cancelled_but_shipped_steps_waiting',
        help: 'Cancelled-but-shipped processes not completed, by the step they wait in',
        labelNames: ['status'],
        read: async () =>
          (
            await rows<{ status: string; n: string }>(
              `select status, count(*) as n from orders.cancelled_but_shipped where status not in ('COMPLETED', 'RETURN_REQUESTED') group by status`,
            )
          ).map((r) => ({ labels: { status: r.status }, value: Number(r.n) })),
      });
    },
  };
}
