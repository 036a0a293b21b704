import { createLogger } from '@cancelflow/service-kit';
import { describeBearerSecurity, describeRouteCoverage } from '@cancelflow/testing/openapi';
import { PAYMENT_SERVICE_POLICY } from '../src/http/authorisation.ts';
import { buildServer } from '../src/server.ts';

// The routers only touch their dependencies when a request comes: building the app is enough.
const app = buildServer({ logger: createLogger('payment-service-openapi'), book: {}, sandbox: {}, rebills: {}, undo: { money: {}, sandbox: {} } } as unknown as Parameters<typeof buildServer>[0]);

describeRouteCoverage('payment service', app, 'POST /provider-events');
describeBearerSecurity('payment service', app, PAYMENT_SERVICE_POLICY);
