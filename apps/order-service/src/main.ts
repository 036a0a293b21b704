import { createLogger } from '@cancelflow/service-kit';
import { configFromEnv } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('order-service');
const service = await startService(configFromEnv(), { logger });
process.stdout.write(`order-service listening on ${service.url}\n`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  await service.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
