import { Router, type Express } from 'express';
import { createHttpApp, type HttpAppOptions, type Logger } from '@cancelflow/service-kit';
import type { SandboxProvider } from './adapters/sandbox-provider.ts';
import { paymentsRouter } from './http/payments.ts';
import { providerEventsRouter } from './http/provider-events.ts';
import { refundsRouter } from './http/refunds.ts';
import { sandboxRouter } from './http/sandbox.ts';
import { authorisation, PAYMENT_SERVICE_POLICY } from './http/authorisation.ts';
import { authSettingsFromEnv, type AuthSettings } from '@cancelflow/service-kit/auth';
import { creditMemosRouter } from './http/credit-memos.ts';
import type { RebillBook } from './rebills/index.ts';
import type { PaymentBook } from './refunds/index.ts';
import type { SandboxUndoProvider } from './adapters/sandbox-undo-provider.ts';
import { paymentRequestsRouter } from './http/payment-requests.ts';
import { sandboxUndoRouter } from './http/sandbox-undo.ts';
import type { UndoMoney } from './undo/undo-money.ts';

/** Undoing cancellations: payment requests, payment.received events and their sandbox controls. */
export interface UndoServerDeps {
  money: UndoMoney;
  sandbox?: SandboxUndoProvider;
}

export function buildServer(deps: { logger: Logger; book: PaymentBook; sandbox?: SandboxProvider; rebills?: RebillBook; undo?: UndoServerDeps; auth?: AuthSettings }, options: HttpAppOptions = {}): Express {
  const routes = Router();
  // Every route needs a bearer token; see http/authorisation.ts for who may do what.
  routes.use(authorisation(deps.auth ?? authSettingsFromEnv()));
  routes.use(paymentsRouter(deps.book));
  routes.use(refundsRouter(deps.book));
  if (deps.rebills) routes.use(creditMemosRouter(deps.rebills));
  routes.use(providerEventsRouter(deps.book, deps.undo?.money));
  if (deps.undo) routes.use(paymentRequestsRouter(deps.undo.money));
  if (deps.undo?.sandbox) routes.use(sandboxUndoRouter(deps.undo.money, deps.undo.sandbox));
  if (deps.sandbox) routes.use(sandboxRouter(deps.sandbox));
  return createHttpApp(deps.logger, routes, { service: 'payment-service', security: { roleTable: PAYMENT_SERVICE_POLICY }, ...options });
}
