import type { Client } from '@temporalio/client';
import { serviceReadiness, type Database, type HttpAppOptions } from '@cancelflow/service-kit';
import type { MailTransport } from '../mail/transport.ts';

/** What /readyz checks for the notification service: the database, Temporal and the SMTP relay. */
export function notificationServiceObservability(
  db: Database,
  temporal: Client,
  transport: MailTransport,
): Pick<HttpAppOptions, 'readiness'> {
  return {
    readiness: { ...serviceReadiness(db, temporal), smtp: () => transport.verify() },
  };
}
