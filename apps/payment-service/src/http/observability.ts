import {
  databaseGauge,
  serviceReadiness,
  type Database,
  type HttpAppOptions,
  type Registry,
  type RunningWorker,
} from '@cancelflow/service-kit';
import type { Client } from '@temporalio/client';
import { OVERDUE_WAIT_KINDS, type OverdueWait } from '../waits/overdue-waits.ts';

/** What /readyz checks and what /metrics adds for the payment service. */
export function paymentServiceObservability(
  db: Database,
  temporal: Client,
  workers: readonly RunningWorker[],
  waits?: () => Promise<OverdueWait[]>,
): Pick<HttpAppOptions, 'readiness' | 'metrics'> {
  const rows = <T>(sql: string) => db.em.fork().execute<T[]>(sql);
  return {
    readiness: serviceReadiness(db, temporal, workers),
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
      if (!waits) return;
      const read = waits;
      databaseGauge(registry, {
        name: 'cancelflow_overdue_waits',
        help: 'Refunds and payment requests waiting on the provider or the customer longer than expected, by kind (CARD_REFUND, BANK_DEPOSIT, PAYMENT_REQUEST)',
        labelNames: ['kind'],
        read: async () => {
          const rows = await read();
          return OVERDUE_WAIT_KINDS.map((kind) => ({ labels: { kind }, value: rows.filter((w) => w.kind === kind).length }));
        },
      });
      databaseGauge(registry, {
        name: 'cancelflow_overdue_wait_oldest_seconds',
        help: 'How long the oldest overdue wait of each kind has been waiting, in seconds (0: none)',
        labelNames: ['kind'],
        read: async () => {
          const rows = await read();
          const now = Date.now();
          return OVERDUE_WAIT_KINDS.map((kind) => {
            const oldest = rows.find((w) => w.kind === kind);
            return { labels: { kind }, value: oldest ? Math.round((now - Date.parse(oldest.since)) / 1000) : 0 };
          });
        },
      });
    },
  };
}
