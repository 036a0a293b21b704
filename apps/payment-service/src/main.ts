import { createLogger } from '@cancelflow/service-kit';
import { configFromEnv, type PaymentServiceConfig } from './config.ts';
import { startService } from './service.ts';

const logger = createLogger('payment-service');
let config: PaymentServiceConfig;
try {
  config = configFromEnv();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
const service = await startService(config, { logger });
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
