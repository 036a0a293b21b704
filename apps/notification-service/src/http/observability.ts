import type { Client } from '@temporalio/client';
import { serviceReadiness, type Database, type HttpAppOptions, type RunningWorker } from '@cancelflow/service-kit';
import type { MailTransport } from '../mail/transport.ts';

/** What /readyz checks for the notification service: the database, Temporal, its worker and the SMTP relay. */
export function notificationServiceObservability(
  db: Database,
  temporal: Client,
  transport: MailTransport,
  workers: readonly RunningWorker[],
): Pick<HttpAppOptions, 'readiness'> {
  return {
    readiness: { ...serviceReadiness(db, temporal, workers), smtp: () => transport.verify() },
  };
}
