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
import { authorisation, ORDER_SERVICE_API_SECURITY } from './http/authorisation.ts';
import { authSettingsFromEnv } from '@cancelflow/service-kit/auth';

/** The express app of the order service: orders, cancellations, disputes, sandbox records. */
export function buildServer(deps: HttpDeps, options: HttpAppOptions = {}): Express {
  const routes = Router();
  routes.use(selfServiceRouter(deps));
  // Every route below needs a bearer token; see http/authorisation.ts for who may do what.
  routes.use(authorisation(deps, deps.auth ?? authSettingsFromEnv()));
  routes.use(ordersRouter(deps));
  routes.use(cancellationsRouter(deps));
  routes.use(undosRouter(deps));
  routes.use(disputesRouter(deps));
  routes.use(shipmentsRouter(deps));
  routes.use(cancelledButShippedRouter(deps));
  routes.use(cancellationRequestsRouter(deps));
  routes.use(returnsRouter(deps));
  routes.use(sandboxRouter(deps));
  return createHttpApp(deps.logger, routes, { service: 'order-service', security: ORDER_SERVICE_API_SECURITY, ...options });
}
