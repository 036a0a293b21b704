import { migrate as migrateOrders } from '@cancelflow/order-service/migrate';
import { migrate as migratePayments } from '@cancelflow/payment-service/migrate';
import { migrate as migrateNotifications } from '@cancelflow/notification-service/migrate';

export async function migrateAll(databaseUrl: string): Promise<void> {
  await migrateOrders(databaseUrl);
  await migratePayments(databaseUrl);
  await migrateNotifications(databaseUrl);
}
