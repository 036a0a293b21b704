import { createLogger, type Database } from '@cancelflow/service-kit';
import { describeDocumentedAccess, describeRouteCoverage } from '@cancelflow/testing/openapi';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('notification-service-openapi'), db: {} as Database });

describeRouteCoverage('notification service', app, 'GET /emails/{id}');
describeDocumentedAccess('notification service', app);
