import { createLogger, type Logger } from '@cancelflow/service-kit/logger';
import { listen } from '@cancelflow/service-kit/http';
import { distDir, ensureBuilt } from './build.ts';
import type { ConsoleConfig } from './config.ts';
import { createConsoleApp } from './server.ts';

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Serve this folder instead of dist/ (tests serve a private copy, so no rebuild can change it under them). */
  distDir?: string;
}

/** Builds the browser app if needed, then serves it with the API proxy. */
export async function startConsole(
  config: ConsoleConfig,
  logger: Logger = createLogger('console'),
  options: StartOptions = {},
): Promise<RunningConsole> {
  if (options.distDir === undefined) await ensureBuilt(config.CONSOLE_BUILD, logger);
  const app = createConsoleApp({ config, logger, distDir: options.distDir ?? distDir });
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
