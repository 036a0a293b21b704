import { Router, type Express } from 'express';
import { createHttpApp } from '@cancelflow/service-kit';
import type { HttpDeps } from './http/deps.ts';
import { ordersRouter } from './http/orders.ts';
import { cancellationsRouter } from './http/cancellations.ts';
import { disputesRouter } from './http/disputes.ts';
import { sandboxRouter } from './http/sandbox.ts';

/** The express app of the order service: orders, cancellations, disputes, sandbox records. */
export function buildServer(deps: HttpDeps): Express {
  const routes = Router();
  routes.use(ordersRouter(deps));
  routes.use(cancellationsRouter(deps));
  routes.use(disputesRouter(deps));
  routes.use(sandboxRouter(deps));
  return createHttpApp(deps.logger, routes);
}
