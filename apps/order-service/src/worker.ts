import { Worker } from '@temporalio/worker';
import { connectWorker, withWorkerTelemetry } from '@cancelflow/service-kit';
import { TASK_QUEUES, type OrderActivities } from '@cancelflow/domain';

export interface OrderWorker {
  /** Stops polling, lets running activities finish, closes the connection. */
  close(): Promise<void>;
}

/** The worker of the "orders" task queue: activities only, no workflows. */
export async function startOrderWorker(options: {
  address: string;
  namespace: string;
  activities: OrderActivities;
  onFailure?: (error: unknown) => void;
}): Promise<OrderWorker> {
  const connection = await connectWorker(options.address);
  let worker: Worker;
  try {
    worker = await Worker.create(withWorkerTelemetry({
      connection,
      namespace: options.namespace,
      taskQueue: TASK_QUEUES.orders,
      activities: { ...options.activities },
    }));
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run().catch((error: unknown) => options.onFailure?.(error));
  return {
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
