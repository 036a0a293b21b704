import { NativeConnection } from '@temporalio/worker';
import { createLogger, temporalSettingsFromEnv } from '@cancelflow/service-kit';
import { createCancellationsWorker } from './worker.ts';

const logger = createLogger('workflows');
const settings = temporalSettingsFromEnv();
const connection = await NativeConnection.connect({ address: settings.address });
const worker = await createCancellationsWorker({ connection, namespace: settings.namespace });

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down the cancellations worker');
    worker.shutdown();
  });
}
logger.info({ address: settings.address, namespace: settings.namespace }, 'cancellations worker running');
await worker.run();
await connection.close();
