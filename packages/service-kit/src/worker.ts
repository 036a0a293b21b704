import { type NativeConnection, Worker, type WorkerOptions as SdkWorkerOptions } from '@temporalio/worker';
import type { Logger } from './logger.ts';
import { connectWorker, withWorkerTelemetry } from './temporal-telemetry.ts';

export interface WorkerOptions extends Pick<SdkWorkerOptions, 'activities' | 'workflowBundle'> {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Told when the worker stops by itself with an error; it is started again. */
  onFailure?: (error: unknown) => void;
  /** Told when Temporal cannot be reached to start the worker, and when it tries again. */
  onRetry?: (error: unknown, retryInMs: number) => void;
}

export interface RunningWorker {
  readonly taskQueue: string;
  /** Whether the worker polls its task queue now (false while it waits for Temporal). */
  polling(): boolean;
  /** Stops polling, lets running tasks finish (shutdownGraceTime), closes the connection. */
  close(): Promise<void>;
}

/** How a process logs its worker: a stop by itself, and each attempt to reach Temporal. */
export const workerLog = (logger: Logger, queue: string): Pick<WorkerOptions, 'onFailure' | 'onRetry'> => ({
  onFailure: (err) => logger.error({ err }, `the ${queue} worker stopped; it is started again`),
  onRetry: (err, retryInMs) => logger.warn({ err, retryInMs }, `the ${queue} worker cannot reach Temporal yet; it tries again`),
});

/** While Temporal cannot be reached, the worker tries again this often (doubling, at most 5 s). */
const FIRST_RETRY_MS = 500;
const LONGEST_RETRY_MS = 5_000;

interface Created {
  worker: Worker;
  connection: NativeConnection;
}

/**
 * A worker on its own task queue and connection that stays up: when Temporal cannot be reached
 * at the start it keeps trying in the background instead of failing the process (a service
 * then starts and says it is not ready), and when the worker stops by itself it is started again.
 * A reachable Temporal: the worker polls before this resolves.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { onFailure, onRetry, address, ...workerOptions } = options;
  let closed = false;
  let current: Worker | undefined;
  let wake: (() => void) | undefined;

  const create = async (): Promise<Created> => {
    const connection = await connectWorker(address);
    try {
      return { worker: await Worker.create(withWorkerTelemetry({ connection, ...workerOptions })), connection };
    } catch (error) {
      await connection.close();
      throw error;
    }
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /**
   * One life of the worker, from its first poll until it is shut down (by close, or by the SDK on
   * a signal) or fails; whether it failed.
   */
  const live = async ({ worker, connection }: Created): Promise<boolean> => {
    current = worker;
    const running = worker.run();
    if (closed) worker.shutdown();
    try {
      await running;
      return false;
    } catch (error) {
      if (!closed) onFailure?.(error);
      return true;
    } finally {
      current = undefined;
      await connection.close();
    }
  };

  const lives = async (first: Created | undefined, firstError: unknown): Promise<void> => {
    let next = first;
    let delay = FIRST_RETRY_MS;
    if (!next) onRetry?.(firstError, delay);
    for (;;) {
      if (next) {
        if (!(await live(next))) return;
        next = undefined;
        delay = FIRST_RETRY_MS;
      }
      if (closed) return;
      await pause(delay);
      if (closed) return;
      try {
        next = await create();
      } catch (error) {
        delay = Math.min(LONGEST_RETRY_MS, delay * 2);
        onRetry?.(error, delay);
      }
    }
  };

  let first: Created | undefined;
  let firstError: unknown;
  try {
    first = await create();
  } catch (error) {
    firstError = error;
  }
  const lived = lives(first, firstError);

  return {
    taskQueue: options.taskQueue,
    polling: () => current?.getState() === 'RUNNING',
    async close() {
      closed = true;
      wake?.();
      if (current?.getState() === 'RUNNING') current.shutdown();
      await lived;
    },
  };
}
