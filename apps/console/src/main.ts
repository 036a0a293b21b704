import { createLogger } from '@cancelflow/service-kit/logger';
import { runService } from '@cancelflow/service-kit/shutdown';
import { configFromEnv } from './config.ts';
import { startConsole } from './service.ts';

const logger = createLogger('console');
await runService({
  name: 'console',
  logger,
  start: () => startConsole(configFromEnv(), logger),
  started: (running) => `console listening on ${running.url}`,
});
