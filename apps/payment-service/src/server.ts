import { Router, type Express } from 'express';
import { createHttpApp, type Logger } from '@cancelflow/service-kit';
import type { SandboxProvider } from './adapters/sandbox-provider.ts';
import { paymentsRouter } from './http/payments.ts';
import { providerEventsRouter } from './http/provider-events.ts';
import { refundsRouter } from './http/refunds.ts';
import { sandboxRouter } from './http/sandbox.ts';
import type { PaymentBook } from './refunds/index.ts';

export function buildServer(deps: { logger: Logger; book: PaymentBook; sandbox?: SandboxProvider }): Express {
  const routes = Router();
  routes.use(paymentsRouter(deps.book));
  routes.use(refundsRouter(deps.book));
  routes.use(providerEventsRouter(deps.book));
  if (deps.sandbox) routes.use(sandboxRouter(deps.sandbox));
  return createHttpApp(deps.logger, routes);
}
