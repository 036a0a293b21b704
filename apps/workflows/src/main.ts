import { connectWorker, createLogger, runService, startTracing, workerSettingsFromEnv } from '@cancelflow/service-kit';
import { createCancellationsWorker } from './worker.ts';

const logger = createLogger('workflows');
startTracing({ service: 'workflows' });

/** The worker of the "cancellations" task queue; SIGTERM lets running workflow tasks finish, then stops. */
await runService({
  name: 'workflows',
  logger,
  started: () => 'workflows: worker of the cancellations task queue running',
  start: async () => {
    const settings = workerSettingsFromEnv('workflows');
    const connection = await connectWorker(settings.address);
    const worker = await createCancellationsWorker({ connection, namespace: settings.namespace });
    const running = worker.run();
    running.catch((error: unknown) => logger.error({ err: error }, 'the cancellations worker stopped'));
    logger.info({ address: settings.address, namespace: settings.namespace }, 'cancellations worker running');
    return {
      async close() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
        await connection.close();
      },
    };
  },
});
