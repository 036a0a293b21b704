import { Router, type Express } from 'express';
import { createHttpApp, type HttpAppOptions } from '@cancelflow/service-kit';
import type { HttpDeps } from './http/deps.ts';
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

/** The express app of the order service: orders, cancellations, disputes, sandbox records. */
export function buildServer(deps: HttpDeps, options: HttpAppOptions = {}): Express {
  const routes = Router();
  routes.use(selfServiceRouter(deps));
  routes.use(ordersRouter(deps));
  routes.use(cancellationsRouter(deps));
  routes.use(undosRouter(deps));
  routes.use(disputesRouter(deps));
  routes.use(shipmentsRouter(deps));
  routes.use(cancelledButShippedRouter(deps));
  routes.use(cancellationRequestsRouter(deps));
  routes.use(returnsRouter(deps));
  routes.use(sandboxRouter(deps));
  // Each route declares who may call it and whose thing it addresses (describe({ access })).
  return createHttpApp(deps.logger, routes, { service: 'order-service', ...(deps.auth ? { authenticate: bearerAuthenticator(deps.auth) } : {}), ...options });
}
