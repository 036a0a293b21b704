import { Worker } from '@temporalio/worker';
import { connectWorker, withWorkerTelemetry } from '@cancelflow/service-kit';
import type { NotificationActivities } from '@cancelflow/domain';

export interface RunningWorker {
  close(): Promise<void>;
}

/** The worker of the notifications task queue: activities only, no workflows. */
export async function startWorker(options: {
  address: string;
  namespace: string;
  taskQueue: string;
  activities: NotificationActivities;
}): Promise<RunningWorker> {
  const connection = await connectWorker(options.address);
  let worker: Worker;
  try {
    worker = await Worker.create(withWorkerTelemetry({
      connection,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      activities: options.activities,
    }));
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run();
  return {
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await connection.close();
      }
    },
  };
}
