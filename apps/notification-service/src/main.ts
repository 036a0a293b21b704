import { createLogger, runService, startTracing } from '@cancelflow/service-kit';
import { configFromEnv } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('notification-service');
startTracing({ service: 'notification-service' });
await runService({
  name: 'notification-service',
  logger,
  start: () => startService(configFromEnv(), { logger }),
  started: (service) =>
    `notification-service: HTTP ${service.url}, SMTP ${service.smtp.embedded ? service.smtp.url : 'relay from SMTP_URL'}`,
});
