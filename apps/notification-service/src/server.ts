import { Router, type Express } from 'express';
import {
  bearerAuthenticator,
  createHttpApp,
  merchantOfOrderFromOrderService,
  type AuthSettings,
  type Database,
  type HttpAppOptions,
  type Logger,
  type MerchantLookup,
} from '@cancelflow/service-kit';
import { emailsRouter } from './http/emails.ts';
import { mailboxRouter } from './http/mailbox.ts';
import { notificationOwners } from './http/owners.ts';
import { repliesRouter } from './http/replies.ts';

export interface ServerDeps {
  db: Database;
  logger: Logger;
  auth?: AuthSettings;
  /** The merchant of an order (by default the order service's answer, ORDER_SERVICE_URL). */
  merchantOfOrder?: MerchantLookup;
}

export function buildServer(deps: ServerDeps, options: HttpAppOptions = {}): Express {
  const owners = notificationOwners(
    deps.db,
    deps.merchantOfOrder ?? merchantOfOrderFromOrderService({ service: 'notification-service', ...(deps.auth ? { auth: deps.auth } : {}) }),
  );
  const routes = Router();
  routes.use(emailsRouter(owners, deps.db));
  routes.use(mailboxRouter(deps.db));
  routes.use(repliesRouter(owners, deps.db));
  // Each route declares who may call it and whose emails it addresses (describe({ access })).
  return createHttpApp(deps.logger, routes, {
    service: 'notification-service',
    ...(deps.auth ? { authenticate: bearerAuthenticator(deps.auth) } : {}),
    ...options,
  });
}
