/**
 * Whose money a route addresses, for the access rules of the routes (service-kit access.ts). The
 * payment service keeps money per order; the order's merchant is the order service's answer.
 */
import type { Database, IdLocation, MerchantLookup, Owner, Role } from '@cancelflow/service-kit';
import { isUuid } from '@cancelflow/domain';

export const SERVICE_AND_SUPPORT: readonly Role[] = ['SERVICE', 'SUPPORT'];

/** Where the order of a thing the payment service holds is found. */
const ORDER_OF = {
  refund: { sql: `select "order_id" from "payments"."refund" where "id" = ?`, uuid: true },
  cancellation: { sql: `select "order_id" from "payments"."refund" where "cancellation_id" = ?`, uuid: false },
  'credit memo': { sql: `select "order_id" from "payments"."credit_memo" where "id" = ?`, uuid: true },
  acknowledgement: { sql: `select "order_id" from "payments"."customer_acknowledgement" where "id" = ?`, uuid: true },
  'payment request': { sql: `select "order_id" from "payments"."payment_request" where "id" = ?`, uuid: true },
  'sandbox refund': { sql: `select "order_id" from "payments"."sandbox_refund" where "provider_refund_id" = ?`, uuid: false },
} as const;

type HeldThing = keyof typeof ORDER_OF;

export type PaymentOwners = Record<HeldThing | 'order', (at: IdLocation) => Owner>;

export function paymentOwners(db: Database, merchantOfOrder: MerchantLookup): PaymentOwners {
  const viaOrder =
    (what: HeldThing): MerchantLookup =>
    async (id) => {
      const { sql, uuid } = ORDER_OF[what];
      if (uuid && !isUuid(id)) return undefined;
      const rows = await db.em.fork().execute<{ order_id: string }[]>(sql, [uuid ? id.toLowerCase() : id]);
      return rows[0] ? merchantOfOrder(rows[0].order_id) : undefined;
    };
  const owner =
    (what: string, merchantOf: MerchantLookup) =>
    (at: IdLocation): Owner => ({ what, at, merchantOf });
  return {
    order: owner('order', merchantOfOrder),
    ...(Object.fromEntries((Object.keys(ORDER_OF) as HeldThing[]).map((what) => [what, owner(what, viaOrder(what))])) as Record<
      HeldThing,
      (at: IdLocation) => Owner
    >),
  };
}
