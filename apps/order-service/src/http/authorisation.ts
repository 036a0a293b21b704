/**
 * Who may do what on the order service, in one table, and whose things they may touch.
 * Mounted after the self-service routes (those take the customer's order token instead) and
 * before every other route: it authenticates the bearer token (service-kit), checks the role
 * against the table, and resolves the merchant that owns the addressed order, cancellation,
 * request, return, dispute, shipment, chain or undo. Another merchant's thing is "not found"
 * (404, not 403), so ids never leak; lists are limited to the token's merchant.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { ForbiddenError, NotFoundError } from '@cancelflow/domain';
import {
  authenticate,
  canAccessMerchant,
  principalOf,
  type AuthSettings,
  type Principal,
  type Role,
} from '@cancelflow/service-kit/auth';
import type { ApiSecurity } from '@cancelflow/service-kit';
import type { HttpDeps } from './deps.ts';

const ALL: Role[] = ['SERVICE', 'MERCHANT', 'SUPPORT'];
const STAFF: Role[] = ['MERCHANT', 'SUPPORT'];

interface Rule {
  method: 'GET' | 'POST';
  path: RegExp;
  roles: Role[];
}

const ID = '([^/]+)';

/** Which role may do what. The README's "Authorisation" section explains the choices. */
export const ORDER_SERVICE_POLICY: Rule[] = [
  // Integrations: the channel importer, the shop's retrieval, the warehouse.
  { method: 'POST', path: /^\/orders$/, roles: ['SERVICE'] },
  { method: 'POST', path: new RegExp(`^/orders/${ID}/acknowledge$`), roles: ['SERVICE'] },
  { method: 'POST', path: new RegExp(`^/orders/${ID}/shipments$`), roles: ['SERVICE'] },
  // The marketplace closes its own disputes; support may record it by hand.
  { method: 'POST', path: new RegExp(`^/disputes/${ID}/close$`), roles: ['SERVICE', 'SUPPORT'] },
  // Cancellations and their answers are people's decisions: the merchant's staff or support.
  { method: 'POST', path: new RegExp(`^/orders/${ID}/cancellations$`), roles: STAFF },
  { method: 'POST', path: new RegExp(`^/cancellation-requests/${ID}/(accept|reject)$`), roles: STAFF },
  { method: 'POST', path: new RegExp(`^/orders/${ID}/returns$`), roles: STAFF },
  { method: 'POST', path: new RegExp(`^/cancellations/${ID}/undo$`), roles: STAFF },
  { method: 'POST', path: new RegExp(`^/cancelled-but-shipped/${ID}/(acknowledgement|rebill-approval)$`), roles: ['SUPPORT'] },
  // A customer asks through a marketplace (SERVICE), the shop's staff or support (on the phone).
  { method: 'POST', path: new RegExp(`^/orders/${ID}/cancellation-requests$`), roles: ALL },
  { method: 'POST', path: new RegExp(`^/cancellation-requests/${ID}/withdraw$`), roles: ALL },
  // Money that failed to come back is support's to retry.
  { method: 'POST', path: new RegExp(`^/cancellations/${ID}/retry-refund$`), roles: ['SUPPORT'] },
  // Reads: everyone, within their merchant.
  { method: 'GET', path: /^\//, roles: ALL },
];

/**
 * The table as the OpenAPI document declares it: routes it does not name are open to every role
 * (checkRole lets them through); the self-service routes take the customer's order token instead.
 */
export const ORDER_SERVICE_API_SECURITY: ApiSecurity = {
  roleTable: ORDER_SERVICE_POLICY,
  unlistedRoles: ALL,
  customerTokenPaths: /^\/self-service\//,
};

/** Where the owner of an addressed thing is found: the table and the column leading to the merchant. */
const OWNERS: { path: RegExp; what: string; sql: string }[] = [
  { path: new RegExp(`^/orders/${ID}(/|$)`), what: 'order', sql: `select "merchant_id" from "orders"."order" where "id" = ?` },
  { path: new RegExp(`^/cancellations/${ID}(/|$)`), what: 'cancellation', sql: `select "merchant_id" from "orders"."cancellation" where "id" = ?` },
  { path: new RegExp(`^/cancellation-requests/${ID}(/|$)`), what: 'cancellation request', sql: `select "merchant_id" from "orders"."cancellation_request" where "id" = ?` },
  { path: new RegExp(`^/returns/${ID}(/|$)`), what: 'return', sql: `select "merchant_id" from "orders"."return" where "id" = ?` },
  { path: new RegExp(`^/disputes/${ID}(/|$)`), what: 'dispute', sql: `select o."merchant_id" from "orders"."dispute" d join "orders"."order" o on o."id" = d."order_id" where d."id" = ?` },
  { path: new RegExp(`^/shipments/${ID}(/|$)`), what: 'shipment', sql: `select o."merchant_id" from "orders"."shipment" s join "orders"."order" o on o."id" = s."order_id" where s."id" = ?` },
  { path: new RegExp(`^/cancelled-but-shipped/${ID}(/|$)`), what: 'cancelled-but-shipped chain', sql: `select "merchant_id" from "orders"."cancelled_but_shipped" where "id" = ?` },
  { path: new RegExp(`^/undos/${ID}(/|$)`), what: 'undo', sql: `select o."merchant_id" from "orders"."cancellation_undo" u join "orders"."order" o on o."id" = u."order_id" where u."id" = ?` },
];

/** Lists that take a merchant filter, and those that address things by ?orderId=. */
const MERCHANT_FILTERED_LISTS = [/^\/orders$/, /^\/cancellation-requests$/];
const ORDER_FILTERED_LISTS = [/^\/sandbox\//, /^\/cancelled-but-shipped$/];

/** Longer than any merchant id can be (64): matches nothing. */
const NO_MERCHANT = '-'.repeat(65);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function authorisation(deps: HttpDeps, settings: AuthSettings): Router {
  const router = Router();
  router.use(authenticate(settings));
  router.use(checkRole);
  router.use(scopeToMerchant(deps));
  return router;
}

const checkRole: RequestHandler = (req, res, next) => {
  const principal = principalOf(res);
  const rule = ORDER_SERVICE_POLICY.find((r) => r.method === req.method && r.path.test(req.path));
  // Routes the table does not name (unknown routes) fall through to the 404 of the app.
  if (rule && !rule.roles.includes(principal.role)) {
    throw new ForbiddenError(`a ${principal.role} token may not ${req.method} ${req.path}: it needs ${rule.roles.join(' or ')}`);
  }
  next();
};

function scopeToMerchant(deps: HttpDeps): RequestHandler {
  const ownerOf = async (sql: string, id: string): Promise<string | undefined> => {
    if (!UUID.test(id)) return undefined;
    const rows = await deps.db.em.fork().execute<{ merchant_id: string }[]>(sql, [id.toLowerCase()]);
    return rows[0]?.merchant_id;
  };

  return async (req, res, next) => {
    const principal = principalOf(res);
    const owner = OWNERS.find((o) => o.path.test(req.path));
    if (owner) {
      const id = owner.path.exec(req.path)![1]!;
      const merchantId = await ownerOf(owner.sql, id);
      // Unknown ids are left to the route (its own 404); known ones of another merchant are 404 here.
      if (merchantId !== undefined && !canAccessMerchant(principal, merchantId)) throw new NotFoundError(`no ${owner.what} ${id}`);
      return next();
    }
    if (req.method === 'POST' && req.path === '/orders') {
      assertImportFor(principal, req);
      return next();
    }
    if (principal.merchantId !== undefined && req.method === 'GET') {
      if (MERCHANT_FILTERED_LISTS.some((p) => p.test(req.path))) {
        const given = typeof req.query.merchantId === 'string' ? req.query.merchantId : undefined;
        if (given !== undefined && given !== principal.merchantId) {
          // Another merchant's list is empty for this token, never an error that confirms it exists.
          setQuery(req, { ...req.query, merchantId: NO_MERCHANT });
        } else {
          setQuery(req, { ...req.query, merchantId: principal.merchantId });
        }
        return next();
      }
      if (ORDER_FILTERED_LISTS.some((p) => p.test(req.path))) {
        const orderId = typeof req.query.orderId === 'string' ? req.query.orderId : undefined;
        if (!orderId) {
          throw new ForbiddenError(`a token for merchant ${principal.merchantId} lists these per order only: add ?orderId=`);
        }
        const merchantId = await ownerOf(OWNERS[0]!.sql, orderId);
        if (merchantId !== undefined && merchantId !== principal.merchantId) throw new NotFoundError(`no order ${orderId}`);
      }
    }
    next();
  };
}

/** A token scoped to a merchant imports that merchant's orders only. */
function assertImportFor(principal: Principal, req: Request): void {
  const body = req.body as { merchantId?: unknown } | undefined;
  if (principal.merchantId !== undefined && typeof body?.merchantId === 'string' && body.merchantId !== principal.merchantId) {
    throw new ForbiddenError(`this token imports orders of merchant ${principal.merchantId} only`);
  }
}

/** express 5 computes req.query from the URL on each read: pin the scoped version. */
function setQuery(req: Request, query: Record<string, unknown>): void {
  Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
}
