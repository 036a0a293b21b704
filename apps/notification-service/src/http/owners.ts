/**
 * Whose email a route addresses, for the access rules of the routes (service-kit access.ts): an
 * email belongs to the merchant of its order, which is the order service's answer.
 */
import type { Database, IdLocation, MerchantLookup, Owner, Role } from '@cancelflow/service-kit';
import { isUuid } from '@cancelflow/domain';

export const SERVICE_AND_SUPPORT: readonly Role[] = ['SERVICE', 'SUPPORT'];

export interface NotificationOwners {
  order: (at: IdLocation) => Owner;
  email: (at: IdLocation) => Owner;
}

export function notificationOwners(db: Database, merchantOfOrder: MerchantLookup): NotificationOwners {
  const merchantOfEmail: MerchantLookup = async (id) => {
    if (!isUuid(id)) return undefined;
    const rows = await db.em
      .fork()
      .execute<{ order_id: string | null }[]>(`select "order_id" from "notifications"."outbound_email" where "id" = ?`, [id.toLowerCase()]);
    const orderId = rows[0]?.order_id;
    return orderId ? merchantOfOrder(orderId) : undefined;
  };
  return {
    order: (at) => ({ what: 'order', at, merchantOf: merchantOfOrder }),
    email: (at) => ({ what: 'email', at, merchantOf: merchantOfEmail }),
  };
}
