import { createLogger } from '@cancelflow/service-kit';
import { configFromEnv } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('payment-service');
const service = await startService(configFromEnv(), { logger });
process.stdout.write(`payment-service listening on ${service.url}\n`);

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'payment-service shutting down');
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'payment-service did not close cleanly');
        process.exit(1);
      },
    );
  });
}
