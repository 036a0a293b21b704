import { Router, type Express } from 'express';
import { createHttpApp, type Database, type HttpAppOptions, type Logger } from '@cancelflow/service-kit';
import { emailsRouter } from './http/emails.ts';
import { mailboxRouter } from './http/mailbox.ts';
import { authorisation, NOTIFICATION_SERVICE_POLICY } from './http/authorisation.ts';
import { authSettingsFromEnv, type AuthSettings } from '@cancelflow/service-kit/auth';

export function buildServer(deps: { db: Database; logger: Logger; auth?: AuthSettings }, options: HttpAppOptions = {}): Express {
  const routes = Router();
  // Every route needs a bearer token; see http/authorisation.ts for who may do what.
  routes.use(authorisation(deps.auth ?? authSettingsFromEnv()));
  routes.use(emailsRouter(deps.db));
  routes.use(mailboxRouter(deps.db));
  return createHttpApp(deps.logger, routes, { service: 'notification-service', security: { roleTable: NOTIFICATION_SERVICE_POLICY }, ...options });
}
