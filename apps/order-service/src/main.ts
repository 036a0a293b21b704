import { createLogger, runService, startTracing } from '@cancelflow/service-kit';
import { configFromEnv } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('order-service');
startTracing({ service: 'order-service' });
await runService({
  name: 'order-service',
  logger,
  start: () => startService(configFromEnv(), { logger }),
  started: (service) => `order-service listening on ${service.url}`,
});
