/**
 * Who may do what on the payment service. It holds money per order and knows nothing of merchants,
 * so a merchant may only read one order's money, after the order service (which owns the orders)
 * shows that order to the same token; everything else is SERVICE (integrations, the provider's
 * events) and SUPPORT. The README's "Authorisation" section has the whole table.
 */
import { Router } from 'express';
import { authenticate, merchantOrderReads, rolePolicy, type AuthSettings, type RoleRule } from '@cancelflow/service-kit/auth';

export const PAYMENT_SERVICE_POLICY: RoleRule[] = [
  { method: 'POST', path: /^\/payments$/, roles: ['SERVICE'] },
  { method: 'POST', path: /^\/provider-events$/, roles: ['SERVICE'] },
  { method: 'POST', path: /^\/credit-memos$/, roles: ['SUPPORT'] },
  { method: 'POST', path: /^\/sandbox\//, roles: ['SERVICE', 'SUPPORT'] },
  // A merchant reads one order's money, once the order service shows it that order.
  { method: 'GET', path: /^\/orders\/[^/]+\/payments$/, roles: ['SERVICE', 'SUPPORT', 'MERCHANT'] },
  { method: 'GET', path: /^\//, roles: ['SERVICE', 'SUPPORT'] },
];

export function authorisation(settings: AuthSettings): Router {
  const router = Router();
  router.use(authenticate(settings));
  router.use(rolePolicy('payment service', PAYMENT_SERVICE_POLICY));
  router.use(merchantOrderReads('payment service', (req) => /^\/orders\/([^/]+)\/payments$/.exec(req.path)?.[1]));
  return router;
}
