import { Worker, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { withWorkerTelemetry } from '@cancelflow/service-kit/temporal-telemetry';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { workflowBundle } from './bundle.ts';

export interface CancellationsWorkerOptions {
  connection: NativeConnection;
  namespace: string;
}

/** What the worker of the "cancellations" task queue runs: workflows only, no activities. */
export async function cancellationsWork(): Promise<{ taskQueue: string; workflowBundle: WorkflowBundleWithSourceMap }> {
  return { taskQueue: TASK_QUEUES.cancellations, workflowBundle: await workflowBundle() };
}

/** That worker on a connection of the caller's (the tests' systems; the process uses startWorker). */
export async function createCancellationsWorker(options: CancellationsWorkerOptions): Promise<Worker> {
  return Worker.create(
    withWorkerTelemetry({ connection: options.connection, namespace: options.namespace, ...(await cancellationsWork()) }),
  );
}
