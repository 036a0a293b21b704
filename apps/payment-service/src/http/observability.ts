import { databaseGauge, type Database, type HttpAppOptions, type Registry } from '@cancelflow/service-kit';
import type { Client } from '@temporalio/client';

/** What /readyz checks and what /metrics adds for the payment service. */
export function paymentServiceObservability(db: Database, temporal: Client): Pick<HttpAppOptions, 'readiness' | 'metrics'> {
  const rows = <T>(sql: string) => db.em.fork().execute<T[]>(sql);
  return {
    readiness: {
      database: () => rows('select 1'),
      temporal: () => temporal.workflowService.getSystemInfo({}),
    },
    metrics: (registry: Registry) => {
      databaseGauge(registry, {
        name: 'cancelflow_refunds',
        help: 'Refunds by outcome (PENDING, SUCCEEDED, FAILED) and refund method (read from the database on scrape)',
        labelNames: ['outcome', 'method'],
        read: async () =>
          (
            await rows<{ status: string; refund_method: string; n: string }>(
              `select status, refund_method, count(*) as n from payments.refund group by status, refund_method`,
            )
          ).map((r) => ({ labels: { outcome: r.status, method: r.refund_method }, value: Number(r.n) })),
      });
    },
  };
}
