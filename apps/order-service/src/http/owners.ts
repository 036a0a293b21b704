/**
 * Whose thing a route addresses, for the access rules of the routes (service-kit access.ts): the
 * merchant of an order, cancellation, request, return, dispute, shipment, cancelled-but-shipped
 * cancelled-but-shipped process, undo or API key, read from the table that holds it. Unknown ids have no merchant (404).
 */
import type { Database, IdLocation, Owner, Role } from '@cancelflow/service-kit';
import { isUuid } from '@cancelflow/domain';

export const ALL: readonly Role[] = ['SERVICE', 'MERCHANT', 'SUPPORT'];
export const STAFF: readonly Role[] = ['MERCHANT', 'SUPPORT'];

const MERCHANT_OF = {
  order: `select "merchant_id" from "orders"."order" where "id" = ?`,
  cancellation: `select "merchant_id" from "orders"."cancellation" where "id" = ?`,
  'cancellation request': `select "merchant_id" from "orders"."cancellation_request" where "id" = ?`,
  return: `select "merchant_id" from "orders"."return" where "id" = ?`,
  dispute: `select o."merchant_id" from "orders"."dispute" d join "orders"."order" o on o."id" = d."order_id" where d."id" = ?`,
  shipment: `select o."merchant_id" from "orders"."shipment" s join "orders"."order" o on o."id" = s."order_id" where s."id" = ?`,
  'cancelled-but-shipped process': `select "merchant_id" from "orders"."cancelled_but_shipped" where "id" = ?`,
  undo: `select o."merchant_id" from "orders"."cancellation_undo" u join "orders"."order" o on o."id" = u."order_id" where u."id" = ?`,
  'api key': `select "merchant_id" from "orders"."api_key" where "id" = ?`,
} as const;

export type OwnedThing = keyof typeof MERCHANT_OF;

export type Owners = Record<OwnedThing, (at: IdLocation) => Owner>;

export function ordersOwners(db: Database): Owners {
  const lookup =
    (what: OwnedThing) =>
    async (id: string): Promise<string | undefined> => {
      if (!isUuid(id)) return undefined;
      const rows = await db.em.fork().execute<{ merchant_id: string }[]>(MERCHANT_OF[what], [id.toLowerCase()]);
      return rows[0]?.merchant_id;
    };
  return Object.fromEntries(
    (Object.keys(MERCHANT_OF) as OwnedThing[]).map((what) => {
      const merchantOf = lookup(what);
      return [what, (at: IdLocation): Owner => ({ what, at, merchantOf })];
    }),
  ) as Owners;
}
