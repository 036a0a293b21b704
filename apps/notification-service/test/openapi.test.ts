import { createLogger, type Database } from '@cancelflow/service-kit';
import { describeBearerSecurity, describeRouteCoverage } from '@cancelflow/testing/openapi';
import { NOTIFICATION_SERVICE_POLICY } from '../src/http/authorisation.ts';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('notification-service-openapi'), db: {} as Database });

describeRouteCoverage('notification service', app, 'GET /emails/{id}');
describeBearerSecurity('notification service', app, NOTIFICATION_SERVICE_POLICY);
