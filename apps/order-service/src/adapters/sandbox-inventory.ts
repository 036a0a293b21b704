import { randomUUID } from 'node:crypto';
import type { Database } from '@cancelflow/service-kit';
import type { InventoryAdapter, RestockRequest } from './inventory.ts';

/** Records every movement in orders.inventory_movement instead of calling an inventory system. */
export function createSandboxInventoryAdapter(db: Database): InventoryAdapter {
  return {
    async restock(request: RestockRequest) {
      await db.em.fork().execute(
        `insert into "orders"."inventory_movement" ("id", "idempotency_key", "order_id", "sku", "quantity", "reason", "reference")
         values (?, ?, ?, ?, ?, ?, ?) on conflict ("idempotency_key") do nothing`,
        [randomUUID(), request.idempotencyKey, request.orderId, request.sku, request.quantity, request.reason, request.reference],
      );
    },
  };
}
