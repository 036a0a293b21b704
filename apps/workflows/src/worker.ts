import { Worker, type NativeConnection } from '@temporalio/worker';
import { withWorkerTelemetry } from '@cancelflow/service-kit/temporal-telemetry';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { workflowBundle } from './bundle.ts';

export interface CancellationsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
}

/** The worker of the "cancellations" task queue: workflows only, no activities. */
export async function createCancellationsWorker(options: CancellationsWorkerOptions): Promise<Worker> {
  return Worker.create(
    withWorkerTelemetry({
      connection: options.connection,
      namespace: options.namespace,
      taskQueue: TASK_QUEUES.cancellations,
      workflowBundle: await workflowBundle(),
    }),
  );
}
