import { createLogger } from '@cancelflow/service-kit';
import { loadConfig } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('notification-service');

try {
  const service = await startService(loadConfig(), { logger });
  process.stdout.write(`notification-service: HTTP ${service.url}, SMTP ${service.smtp.embedded ? service.smtp.url : 'relay from SMTP_URL'}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'could not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, 'notification-service could not start');
  process.exitCode = 1;
}
