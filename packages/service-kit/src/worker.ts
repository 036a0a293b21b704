import { type NativeConnection, Worker } from '@temporalio/worker';
import type { Logger } from './logger.ts';
import { connectWorker, withWorkerTelemetry } from './temporal-telemetry.ts';

export interface ActivityWorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  /** The service's activities, by name. */
  activities: object;
  /** Told when the worker stops by itself with an error (it is not restarted). */
  onFailure?: (error: unknown) => void;
  /** Told when Temporal could not be reached at the start, and when the worker tries again. */
  onRetry?: (error: unknown, retryInMs: number) => void;
}

export interface RunningActivityWorker {
  /** Stops polling, lets running activities finish (shutdownGraceTime), closes the connection. */
  close(): Promise<void>;
}

/** How a service logs its worker: a stop by itself, and each attempt to reach Temporal at the start. */
export const workerLog = (logger: Logger, queue: string): Pick<ActivityWorkerOptions, 'onFailure' | 'onRetry'> => ({
  onFailure: (err) => logger.error({ err }, `the ${queue} worker stopped`),
  onRetry: (err, retryInMs) => logger.warn({ err, retryInMs }, `the ${queue} worker cannot reach Temporal yet; it tries again`),
});

/** While Temporal cannot be reached at the start, the worker tries again this often (doubling, at most 5 s). */
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 5_000;

interface Started {
  worker: Worker;
  connection: NativeConnection;
  running: Promise<void>;
}

/**
 * A service's worker: activities only, no workflows, on its own task queue and connection. When
 * Temporal cannot be reached at the start, it keeps trying in the background (onRetry is told
 * each time) instead of failing the service, which then starts and says it is not ready.
 */
export async function startActivityWorker(options: ActivityWorkerOptions): Promise<RunningActivityWorker> {
  let started: Started | undefined;
  let closed = false;
  let wake: (() => void) | undefined;

  const start = async (): Promise<Started> => {
    const connection = await connectWorker(options.address);
    try {
      const worker = await Worker.create(
        withWorkerTelemetry({
          connection,
          namespace: options.namespace,
          taskQueue: options.taskQueue,
          activities: options.activities,
        }),
      );
      return { worker, connection, running: worker.run().catch((error: unknown) => options.onFailure?.(error)) };
    } catch (error) {
      await connection.close();
      throw error;
    }
  };

  let retrying: Promise<void> = Promise.resolve();
  try {
    // A reachable Temporal: the worker polls before the service says it started.
    started = await start();
  } catch (error) {
    options.onRetry?.(error, FIRST_RETRY_MS);
    retrying = (async () => {
      for (let delay = FIRST_RETRY_MS; !closed && !started; delay = Math.min(LONGEST_RETRY_MS, delay * 2)) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (closed) return;
        try {
          started = await start();
        } catch (retryError) {
          options.onRetry?.(retryError, Math.min(LONGEST_RETRY_MS, delay * 2));
        }
      }
    })();
  }

  return {
    async close() {
      closed = true;
      wake?.();
      await retrying;
      if (!started) return;
      const { worker, connection, running } = started;
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await connection.close();
      }
    },
  };
}
