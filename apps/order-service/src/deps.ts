import type { Client } from '@temporalio/client';
import type { Database, Logger, RateLimits } from '@cancelflow/service-kit';
import type { AuthSettings } from '@cancelflow/service-kit/auth';
import type { Duration } from '@temporalio/common';
import type { CancellationWorkflowInput } from '@cancelflow/workflows/contracts/cancellation';
import type { CancelledButShippedInput } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import type { CustomerCancellationRequestInput } from '@cancelflow/workflows/contracts/customer-cancellation-request';
import type { SelfServiceSettings } from './config.ts';
import type { WebhookSettings } from './webhooks/settings.ts';

/** What the use cases, the routers and the activities that start processes need. */
export interface ServiceDeps {
  db: Database;
  temporal: Client;
  logger: Logger;
  /** How long GET /cancellations/:id waits for the live workflow state. */
  liveStateTimeoutMs: number;
  /** How long a call to Temporal may take before the request is answered 503. */
  temporalTimeoutMs: number;
  /** Settings every cancellation process starts with (recheck interval, support mailbox). */
  cancellationProcess?: Omit<CancellationWorkflowInput, 'cancellationId'>;
  /** Settings every undo process starts with (pay-again reminders and deadline). */
  undoProcess?: { paymentReminderInterval?: Duration; paymentDeadline?: Duration };
  /** Settings every cancelled-but-shipped process starts with (reminders, deadline, seller support). */
  cancelledButShippedProcess?: Omit<CancelledButShippedInput, 'cancelledButShippedId'>;
  /** Settings every customer cancellation request process starts with (reminders, escalation, merchant mailbox). */
  requestProcess?: Omit<CustomerCancellationRequestInput, 'requestId'>;
  /** Signs and checks the customer's "view order" links. */
  selfService?: SelfServiceSettings;
  /** Checks the bearer tokens of every route but self-service (AUTH_TOKEN_SECRET or the development secret). */
  auth?: AuthSettings;
  /** Counts requests per order on the customers' links (and per token and address on every route). */
  rateLimits?: RateLimits;
  /** Outbound webhooks: the secrets' key, whether private addresses are allowed (development), timeouts. */
  webhooks?: WebhookSettings;
}
