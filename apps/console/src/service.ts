import { createLogger, type Logger } from '@cancelflow/service-kit/logger';
import { listen } from '@cancelflow/service-kit/http';
import { distDir, ensureBuilt } from './build.ts';
import type { ConsoleConfig } from './config.ts';
import { createConsoleApp } from './server.ts';

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

/** Builds the browser app if needed, then serves it with the API proxy. */
export async function startConsole(config: ConsoleConfig, logger: Logger = createLogger('console')): Promise<RunningConsole> {
  await ensureBuilt(config.CONSOLE_BUILD, logger);
  const app = createConsoleApp({ config, logger, distDir });
  const running = await listen(app, config.PORT, config.HOST);
  logger.info(
    {
      orders: config.ORDER_SERVICE_URL,
      payments: config.PAYMENT_SERVICE_URL,
      notifications: config.NOTIFICATION_SERVICE_URL,
      temporalUi: config.TEMPORAL_UI_URL,
    },
    `console listening on ${running.url}`,
  );
  return { url: running.url, close: running.close };
}
