import { createLogger, runService, startTracing } from '@cancelflow/service-kit';
import { configFromEnv } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('payment-service');
startTracing({ service: 'payment-service' });
await runService({
  name: 'payment-service',
  logger,
  start: () => startService(configFromEnv(), { logger }),
  started: (service) => `payment-service listening on ${service.url}`,
});
