import { Router, type Express } from 'express';
import { createHttpApp, type Database, type HttpAppOptions, type Logger } from '@cancelflow/service-kit';
import { emailsRouter } from './http/emails.ts';
import { mailboxRouter } from './http/mailbox.ts';

export function buildServer(deps: { db: Database; logger: Logger }, options: HttpAppOptions = {}): Express {
  const routes = Router();
  routes.use(emailsRouter(deps.db));
  routes.use(mailboxRouter(deps.db));
  return createHttpApp(deps.logger, routes, { service: 'notification-service', ...options });
}
