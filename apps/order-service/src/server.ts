import { Router, type Express } from 'express';
import { createHttpApp, type HttpAppOptions } from '@cancelflow/service-kit';
import type { ServiceDeps } from './deps.ts';
import { ordersRouter } from './http/orders.ts';
import { cancellationsRouter } from './http/cancellations.ts';
import { undosRouter } from './http/undos.ts';
import { disputesRouter } from './http/disputes.ts';
import { sandboxRouter } from './http/sandbox.ts';
import { shipmentsRouter } from './http/shipments.ts';
import { cancelledButShippedRouter } from './http/cancelled-but-shipped.ts';
import { cancellationRequestsRouter } from './http/cancellation-requests.ts';
import { returnsRouter } from './http/returns.ts';
import { selfServiceRouter } from './http/self-service.ts';
import { bearerAuthenticator } from '@cancelflow/service-kit';
import { apiKeysRouter } from './http/api-keys.ts';
import { bulkCancellationsRouter } from './http/bulk-cancellations.ts';
import { merchantApiAuthenticator } from './merchant-api/api-keys.ts';
import { merchantApiRouter } from './merchant-api/router.ts';
import { webhooksRouter } from './http/webhooks.ts';

/** The express app of the order service: orders, cancellations, disputes, sandbox records, the Merchant API v2. */
export function buildServer(deps: ServiceDeps, options: HttpAppOptions = {}): Express {
  const routes = Router();
  // First: its errors are answered in ChannelEngine's envelope by its own error handler.
  routes.use(merchantApiRouter(deps));
  routes.use(selfServiceRouter(deps));
  routes.use(ordersRouter(deps));
  routes.use(cancellationsRouter(deps));
  routes.use(undosRouter(deps));
  routes.use(disputesRouter(deps));
  routes.use(shipmentsRouter(deps));
  routes.use(cancelledButShippedRouter(deps));
  routes.use(cancellationRequestsRouter(deps));
  routes.use(returnsRouter(deps));
  routes.use(apiKeysRouter(deps));
  routes.use(bulkCancellationsRouter(deps));
  routes.use(webhooksRouter(deps));
  routes.use(sandboxRouter(deps));
  // Each route declares who may call it and whose thing it addresses (describe({ access })); on the
  // Merchant API a merchant's API key is a MERCHANT caller of its merchant.
  const bearer = bearerAuthenticator(deps.auth);
  return createHttpApp(deps.logger, routes, {
    service: 'order-service',
    authenticate: merchantApiAuthenticator(deps.db, bearer),
    ...options,
  });
}
