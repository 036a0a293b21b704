import { createLogger } from '@cancelflow/service-kit';
import { describeDocumentedAccess, describeRouteCoverage } from '@cancelflow/testing/openapi';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({
  logger: createLogger('payment-service-openapi'),
  book: {},
  sandbox: {},
  rebills: {},
  undo: { money: {}, sandbox: {} },
} as unknown as Parameters<typeof buildServer>[0]);

describeRouteCoverage('payment service', app, 'POST /provider-events');
describeDocumentedAccess('payment service', app);
