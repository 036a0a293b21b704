import type { Client } from '@temporalio/client';
import type { Database, Logger } from '@cancelflow/service-kit';
import type { CancellationWorkflowInput } from '@cancelflow/workflows/messages';

/** What the HTTP routers need. */
export interface HttpDeps {
  db: Database;
  temporal: Client;
  logger: Logger;
  /** How long GET /cancellations/:id waits for the live workflow state. */
  liveStateTimeoutMs: number;
  /** How long a call to Temporal may take before the request is answered 503. */
  temporalTimeoutMs: number;
  /** Settings every cancellation process starts with (recheck interval, support mailbox). */
  cancellationProcess?: Omit<CancellationWorkflowInput, 'cancellationId'>;
}
