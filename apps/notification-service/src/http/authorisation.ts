/**
 * Who may do what on the notification service: the emails it sent and the mailbox it received
 * are read by SERVICE (integrations, the console's server) and SUPPORT. Emails belong to orders
 * but the service knows no merchants: a merchant may read one order's emails (GET /emails?orderId=)
 * after the order service shows it that order; the mailbox and the rest are SERVICE and SUPPORT. See the README's
 * "Authorisation" section.
 */
import { Router } from 'express';
import { authenticate, merchantOrderReads, rolePolicy, type AuthSettings, type RoleRule } from '@cancelflow/service-kit/auth';

export const NOTIFICATION_SERVICE_POLICY: RoleRule[] = [
  // A merchant reads one order's emails, once the order service shows it that order.
  { method: 'GET', path: /^\/emails$/, roles: ['SERVICE', 'SUPPORT', 'MERCHANT'] },
  { method: 'GET', path: /^\//, roles: ['SERVICE', 'SUPPORT'] },
  { method: 'POST', path: /^\//, roles: ['SERVICE', 'SUPPORT'] },
];

export function authorisation(settings: AuthSettings): Router {
  const router = Router();
  router.use(authenticate(settings));
  router.use(rolePolicy('notification service', NOTIFICATION_SERVICE_POLICY));
  router.use(merchantOrderReads('notification service', (req) => (req.path === '/emails' && typeof req.query.orderId === 'string' ? req.query.orderId : undefined)));
  return router;
}
