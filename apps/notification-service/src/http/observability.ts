import type { Client } from '@temporalio/client';
import type { Database, HttpAppOptions } from '@cancelflow/service-kit';
import type { MailTransport } from '../mail/transport.ts';

/** What /readyz checks for the notification service: the database, Temporal and the SMTP relay. */
export function notificationServiceObservability(
  db: Database,
  temporal: Client,
  transport: MailTransport,
): Pick<HttpAppOptions, 'readiness'> {
  return {
    readiness: {
      database: () => db.em.fork().execute('select 1'),
      temporal: () => temporal.workflowService.getSystemInfo({}),
      smtp: () => transport.verify(),
    },
  };
}
