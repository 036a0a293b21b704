import { createLogger, runService, startTracing, startWorker, workerLog, workerSettingsFromEnv } from '@cancelflow/service-kit';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { cancellationsWork } from './worker.ts';

const logger = createLogger('workflows');
startTracing({ service: 'workflows' });

/**
 * The worker of the "cancellations" task queue: workflows only, no activities. It starts while
 * Temporal is away and polls once Temporal is there; SIGTERM lets running workflow tasks finish.
 */
await runService({
  name: 'workflows',
  logger,
  started: () => 'workflows: worker of the cancellations task queue running',
  start: async () => {
    const settings = workerSettingsFromEnv('workflows');
    const worker = await startWorker({ ...settings, ...(await cancellationsWork()), ...workerLog(logger, TASK_QUEUES.cancellations) });
    logger.info(
      { address: settings.address, namespace: settings.namespace, polling: worker.polling() },
      worker.polling() ? 'cancellations worker running' : 'cancellations worker waiting for Temporal',
    );
    return worker;
  },
});
