import { Migration0001Orders } from './0001-orders.ts';
import { Migration0002CancellationRequests } from './0002-cancellation-requests.ts';
import { Migration0003Shipments } from './0003-shipments.ts';
import { Migration0004CancellationUndo } from './0004-cancellation-undo.ts';
import { Migration0005CancelledButShippedReturn } from './0005-cancelled-but-shipped-return.ts';
import { Migration0006OrderMoney } from './0006-order-money.ts';
import { Migration0007OrderConfirmationStarted } from './0007-order-confirmation-started.ts';
import { Migration0008MerchantApi } from './0008-merchant-api.ts';
import { Migration0009StepsRecordedOnce } from './0009-steps-recorded-once.ts';
import { Migration0010BulkCancellations } from './0010-bulk-cancellations.ts';
import { Migration0011Webhooks } from './0011-webhooks.ts';
import { Migration0012CancelledButShippedName } from './0012-cancelled-but-shipped-name.ts';
import { Migration0013BulkCancellationStatusChanged } from './0013-bulk-cancellation-status-changed.ts';
import { Migration0014CancellationRequestIdempotencyKey } from './0014-cancellation-request-idempotency-key.ts';

/**
 * Every migration of the orders schema, oldest first: `NNNN-what-it-does.ts`, class
 * `MigrationNNNNWhatItDoes`, as in every service. `name` is what the migrations table recorded
 * when it ran: never change one, or an existing database runs it again.
 */
export const migrations = [
  { name: 'Migration0001Orders', class: Migration0001Orders },
  { name: 'Migration0002CancellationRequests', class: Migration0002CancellationRequests },
  { name: 'Migration0003Shipments', class: Migration0003Shipments },
  { name: 'Migration0004CancellationUndo', class: Migration0004CancellationUndo },
  { name: 'Migration0005CancelledButShippedReturn', class: Migration0005CancelledButShippedReturn },
  { name: 'Migration0006OrderMoney', class: Migration0006OrderMoney },
  { name: 'Migration0007OrderConfirmationStarted', class: Migration0007OrderConfirmationStarted },
  { name: 'Migration0008MerchantApi', class: Migration0008MerchantApi },
  { name: 'Migration0009StepsRecordedOnce', class: Migration0009StepsRecordedOnce },
  { name: 'Migration0010BulkCancellations', class: Migration0010BulkCancellations },
  { name: 'Migration0011Webhooks', class: Migration0011Webhooks },
  { name: 'Migration0012CancelledButShippedName', class: Migration0012CancelledButShippedName },
  { name: 'Migration0013BulkCancellationStatusChanged', class: Migration0013BulkCancellationStatusChanged },
  { name: 'Migration0014CancellationRequestIdempotencyKey', class: Migration0014CancellationRequestIdempotencyKey },
];
