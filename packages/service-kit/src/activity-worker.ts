import { Worker } from '@temporalio/worker';
import { connectWorker, withWorkerTelemetry } from './temporal-telemetry.ts';

export interface ActivityWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  /** The service's activities, by name. */
  activities: object;
  /** Told when the worker stops by itself with an error (it is not restarted). */
  onFailure?: (error: unknown) => void;
}

export interface RunningActivityWorker {
  /** Stops polling, lets running activities finish (shutdownGraceTime), closes the connection. */
  close(): Promise<void>;
}

/** A service's worker: activities only, no workflows, on its own task queue and connection. */
export async function startActivityWorker(options: ActivityWorkerOptions): Promise<RunningActivityWorker> {
  const connection = await connectWorker(options.address);
  let worker: Worker;
  try {
    worker = await Worker.create(
      withWorkerTelemetry({
        connection,
        namespace: options.namespace,
        taskQueue: options.taskQueue,
        activities: options.activities,
      }),
    );
  } catch (error) {
    await connection.close();
    throw error;
  }
  const running = worker.run().catch((error: unknown) => options.onFailure?.(error));
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
