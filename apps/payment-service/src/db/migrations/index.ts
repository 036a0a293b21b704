import { Migration0001CreatePayments } from './0001-create-payments.ts';
import { Migration0002UndoMoney } from './0002-undo-money.ts';
import { Migration0003CancelledButShippedMoney } from './0003-cancelled-but-shipped-money.ts';
import { Migration0004SelfServiceAcknowledgement } from './0004-self-service-acknowledgement.ts';
import { Migration0005ProviderReconciliation } from './0005-provider-reconciliation.ts';
import { Migration0006ImportedOrders } from './0006-imported-orders.ts';
import { Migration0007CancelledButShippedName } from './0007-cancelled-but-shipped-name.ts';
import { Migration0008SandboxOutage } from './0008-sandbox-outage.ts';

/**
 * Every migration of the payments schema, oldest first: `NNNN-what-it-does.ts`, class
 * `MigrationNNNNWhatItDoes`, as in every service. `name` is what the migrations table recorded
 * when it ran (older migrations were named by timestamp then): never change one, or an existing
 * database runs it again.
 */
export const migrations = [
  { name: '20250101000000-create-payments', class: Migration0001CreatePayments },
  { name: '20261122000000-undo-money', class: Migration0002UndoMoney },
  { name: '20261122000100-cancelled-but-shipped', class: Migration0003CancelledButShippedMoney },
  { name: '20261122000200-self-service-acknowledgement', class: Migration0004SelfServiceAcknowledgement },
  { name: '20261202000000-provider-reconciliation', class: Migration0005ProviderReconciliation },
  { name: 'Migration0006ImportedOrders', class: Migration0006ImportedOrders },
  { name: 'Migration0007CancelledButShippedName', class: Migration0007CancelledButShippedName },
  { name: 'Migration0008SandboxOutage', class: Migration0008SandboxOutage },
];
