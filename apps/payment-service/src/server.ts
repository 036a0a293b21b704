import { Router, type Express } from 'express';
import { createHttpApp, type Database, type HttpAppOptions, type Logger } from '@cancelflow/service-kit';
import type { SandboxProvider } from './adapters/sandbox-provider.ts';
import { paymentsRouter } from './http/payments.ts';
import { providerEventsRouter } from './http/provider-events.ts';
import { refundsRouter } from './http/refunds.ts';
import { sandboxOutageRouter, sandboxRouter } from './http/sandbox.ts';
import { bearerAuthenticator, merchantOfOrderFromOrderService, type AuthSettings, type MerchantLookup } from '@cancelflow/service-kit';
import { paymentOwners } from './http/owners.ts';
import { creditMemosRouter } from './http/credit-memos.ts';
import type { RebillBook } from './rebills/index.ts';
import type { PaymentBook } from './refunds/index.ts';
import type { SandboxUndoProvider } from './adapters/sandbox-undo-provider.ts';
import { paymentRequestsRouter } from './http/payment-requests.ts';
import { sandboxUndoRouter } from './http/sandbox-undo.ts';
import type { UndoMoney } from './undo/index.ts';
import { overdueWaitsRouter } from './http/overdue-waits.ts';
import type { OverdueWait } from './waits/overdue-waits.ts';

/** Undoing cancellations: payment requests, payment.received events and their sandbox controls. */
export interface UndoServerDeps {
  money: UndoMoney;
  sandbox?: SandboxUndoProvider;
}

export interface ServerDeps {
  logger: Logger;
  db: Database;
  book: PaymentBook;
  sandbox?: SandboxProvider;
  /** The sandbox's outage switch is mounted (SANDBOX_OUTAGES): it stalls every merchant's refunds. */
  sandboxOutages?: boolean;
  rebills?: RebillBook;
  undo?: UndoServerDeps;
  /** Stuck work for support: what waits on the outside world longer than expected. */
  waits?: () => Promise<OverdueWait[]>;
  auth?: AuthSettings;
  /** The merchant of an order (by default the order service's answer, ORDER_SERVICE_URL). */
  merchantOfOrder?: MerchantLookup;
}

export function buildServer(deps: ServerDeps, options: HttpAppOptions = {}): Express {
  const owners = paymentOwners(
    deps.db,
    deps.merchantOfOrder ?? merchantOfOrderFromOrderService({ service: 'payment-service', ...(deps.auth ? { auth: deps.auth } : {}) }),
  );
  const routes = Router();
  routes.use(paymentsRouter(owners, deps.book));
  routes.use(refundsRouter(owners, deps.book));
  if (deps.rebills) routes.use(creditMemosRouter(owners, deps.rebills));
  routes.use(providerEventsRouter(deps.book, deps.undo?.money));
  if (deps.undo) routes.use(paymentRequestsRouter(owners, deps.undo.money));
  if (deps.undo?.sandbox) routes.use(sandboxUndoRouter(owners, deps.undo.money, deps.undo.sandbox));
  if (deps.waits) routes.use(overdueWaitsRouter(deps.waits));
  if (deps.sandbox) routes.use(sandboxRouter(owners, deps.sandbox));
  if (deps.sandbox && deps.sandboxOutages) routes.use(sandboxOutageRouter(deps.sandbox));
  // Each route declares who may call it and whose money it addresses (describe({ access })).
  return createHttpApp(deps.logger, routes, {
    service: 'payment-service',
    ...(deps.auth ? { authenticate: bearerAuthenticator(deps.auth) } : {}),
    ...options,
  });
}
