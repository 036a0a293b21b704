import { CreatePayments } from './20250101000000-create-payments.ts';
import { CancelledButShippedMoney } from './20261122000100-cancelled-but-shipped.ts';
import { SelfServiceAcknowledgement } from './20261122000200-self-service-acknowledgement.ts';
import { ProviderReconciliation } from './20261202000000-provider-reconciliation.ts';
import { UndoMoney } from './20261122000000-undo-money.ts';
import { ImportedOrders } from './20261203000000-imported-orders.ts';

/** Every migration of the payments schema, oldest first. Never rename one: the table records names. */
export const migrations = [
  { name: '20250101000000-create-payments', class: CreatePayments },
  { name: '20261122000000-undo-money', class: UndoMoney },
  { name: '20261122000100-cancelled-but-shipped', class: CancelledButShippedMoney },
  { name: '20261122000200-self-service-acknowledgement', class: SelfServiceAcknowledgement },
  { name: '20261202000000-provider-reconciliation', class: ProviderReconciliation },
  { name: '20261203000000-imported-orders', class: ImportedOrders },
];
