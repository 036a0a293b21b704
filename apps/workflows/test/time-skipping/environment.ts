/**
 * A time-skipping test environment for the processes: Temporal's test server (its clock jumps to
 * the next timer whenever nothing else is running), the real cancellations worker with the real
 * workflow bundle, and plain functions as the activities of the other task queues, every call
 * recorded. This is what @temporalio/testing's TestWorkflowEnvironment.createTimeSkipping() does;
 * that package is not a dependency here and downloads its server from the internet, so the
 * server comes from Maven Central (@cancelflow/infra/temporal-test-server) and the two rules of
 * time skipping are written out below: time runs free while a test awaits a workflow's result or
 * sleeps, and stands still (at the wall clock's pace) otherwise.
 *
 *   const env = await startTimeSkippingEnvironment();           // beforeAll
 *   const calls = env.activities({ orders: {...}, payments: {...}, notifications: {...} });
 *   const handle = await env.workflow.start(cancellationWorkflow, { taskQueue: 'cancellations', ... });
 *   await env.sleep('14 days');                                  // or: await handle.result()
 *   expect(calls.count('sendEmail')).toBe(1);
 */
import { Context } from '@temporalio/activity';
import {
  Connection,
  WorkflowClient,
  type WorkflowHandleWithStartDetails,
  type WorkflowResultOptions,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { InternalConnectionOptionsSymbol, type InternalConnectionOptions } from '@temporalio/client/lib/connection.js';
import type { Duration, Workflow, WorkflowResultType } from '@temporalio/common';
import { msToNumber, msToTs, tsToMs } from '@temporalio/common/lib/time.js';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { TASK_QUEUES } from '@cancelflow/domain/activities';
import { startTemporalTestServer, type TemporalTestServer } from '@cancelflow/infra/temporal-test-server';
import { createCancellationsWorker } from '../../src/worker.ts';

const NAMESPACE = 'default';

/** The test service of the test server: its clock. */
type TestService = NonNullable<Connection['testService']>;

/**
 * Remembers the workflows it started, so that one a test left running (it failed half-way) is
 * ended before the next test: otherwise its timers would call the next test's activities.
 */
class TestWorkflowClient extends WorkflowClient {
  readonly started: string[] = [];

  override async start<T extends Workflow>(
    workflowTypeOrFunc: string | T,
    options: WorkflowStartOptions<T>,
  ): Promise<WorkflowHandleWithStartDetails<T>> {
    const handle = await super.start(workflowTypeOrFunc, options);
    this.started.push(handle.workflowId);
    return handle;
  }

  async endLeftovers(): Promise<void> {
    const ids = this.started.splice(0);
    await Promise.all(
      ids.map((id) =>
        this.getHandle(id)
          .terminate('the test that started it is over')
          .catch(() => undefined),
      ),
    );
  }
}

/** Waits for a workflow's result with the clock running free, as the SDK's time-skipping client does. */
class TimeSkippingWorkflowClient extends TestWorkflowClient {
  readonly #testService: TestService;

  constructor(connection: Connection) {
    super({ connection, namespace: NAMESPACE });
    if (!connection.testService) throw new TypeError('the connection has no test service');
    this.#testService = connection.testService;
  }

  override async result<T extends Workflow>(
    workflowId: string,
    runId?: string,
    opts?: WorkflowResultOptions,
  ): Promise<WorkflowResultType<T>> {
    await this.#testService.unlockTimeSkipping({});
    try {
      return await super.result<T>(workflowId, runId, opts);
    } finally {
      await this.#testService.lockTimeSkipping({});
    }
  }
}

export interface ActivityCall {
  name: string;
  input: unknown[];
  /** The server's clock when this attempt was scheduled (skipped time included), in ms. */
  at: number;
}

export interface RecordedCalls {
  /** Every activity call in order, across the task queues. */
  readonly all: readonly ActivityCall[];
  count(name: string): number;
  /** The first argument of each call of `name`, in order. */
  inputsOf<T = unknown>(name: string): T[];
  /** When each call of `name` was scheduled, by the server's clock, in order. */
  timesOf(name: string): number[];
  /** The names called, in order (e.g. to assert that one came before another). */
  names(): string[];
}

/** Plain functions per task queue; only the ones a test needs. */
export interface MockActivities {
  orders?: object;
  payments?: object;
  notifications?: object;
  webhooks?: object;
}

export interface TimeSkippingEnvironment {
  readonly workflow: WorkflowClient;
  /** Lets `duration` of server time pass (jumping from timer to timer); resolves once it has. */
  sleep(duration: Duration): Promise<void>;
  /** The server's clock, in ms since the epoch. */
  now(): Promise<number>;
  /**
   * Ends the workflows earlier tests left running, then serves the activities of the task queues
   * given until the next call or stop(); returns the record of their calls. The workflows'
   * worker runs for the whole environment.
   */
  activities(mocks: MockActivities): Promise<RecordedCalls>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** The test server, started for this environment alone: time skips. */
export async function startTimeSkippingEnvironment(): Promise<TimeSkippingEnvironment> {
  const server: TemporalTestServer = await startTemporalTestServer();
  // The SDK's internal option that gives the connection the test service (the server's clock).
  const options: InternalConnectionOptions = { address: server.address, [InternalConnectionOptionsSymbol]: { supportsTestService: true } };
  const connection = await Connection.connect(options);
  const testService = connection.testService!;
  return environment(server.address, connection, new TimeSkippingWorkflowClient(connection), {
    sleep: async (duration) => {
      await testService.unlockTimeSkippingWithSleep({ duration: msToTs(duration) });
    },
    now: async () => tsToMs((await testService.getCurrentTime({})).time),
    stop: () => server.stop(),
  });
}

/** A real Temporal server (the dev server) at `address`: time runs at the wall clock's pace. */
export async function connectEnvironment(address: string): Promise<TimeSkippingEnvironment> {
  const connection = await Connection.connect({ address });
  return environment(address, connection, new TestWorkflowClient({ connection, namespace: NAMESPACE }), {
    sleep: (duration) => new Promise((resolve) => setTimeout(resolve, msToNumber(duration))),
    now: async () => Date.now(),
    stop: async () => undefined,
  });
}

async function environment(
  address: string,
  connection: Connection,
  workflow: TestWorkflowClient,
  clock: Pick<TimeSkippingEnvironment, 'sleep' | 'now' | 'stop'>,
): Promise<TimeSkippingEnvironment> {
  if (!runtimeInstalled) {
    // The SDK's own log would report every activity failure a test provokes on purpose.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  const nativeConnection = await NativeConnection.connect({ address });
  const workflowWorker = await createCancellationsWorker({ connection: nativeConnection, namespace: NAMESPACE });
  const workflowsRunning = workflowWorker.run();
  let activityWorkers: { workers: Worker[]; running: Promise<void[]> } | undefined;

  const stopActivityWorkers = async () => {
    if (!activityWorkers) return;
    const { workers, running } = activityWorkers;
    activityWorkers = undefined;
    for (const worker of workers) worker.shutdown();
    await running;
  };

  return {
    workflow,
    sleep: clock.sleep,
    now: clock.now,
    activities: async (mocks) => {
      await workflow.endLeftovers();
      await stopActivityWorkers();
      const calls: ActivityCall[] = [];
      const workers = await Promise.all(
        (Object.entries(mocks) as [keyof MockActivities, object][]).map(([queue, impl]) =>
          Worker.create({
            connection: nativeConnection,
            namespace: NAMESPACE,
            taskQueue: TASK_QUEUES[queue],
            activities: recording(impl, calls),
            shutdownGraceTime: '1 second',
          }),
        ),
      );
      activityWorkers = { workers, running: Promise.all(workers.map((w) => w.run())) };
      return {
        all: calls,
        count: (name) => calls.filter((c) => c.name === name).length,
        inputsOf: <T>(name: string) => calls.filter((c) => c.name === name).map((c) => c.input[0] as T),
        timesOf: (name) => calls.filter((c) => c.name === name).map((c) => c.at),
        names: () => calls.map((c) => c.name),
      };
    },
    stop: async () => {
      await workflow.endLeftovers();
      await stopActivityWorkers();
      workflowWorker.shutdown();
      await workflowsRunning;
      await nativeConnection.close();
      await connection.close();
      await clock.stop();
    },
  };
}

/** The same functions, each call recorded before it runs. */
function recording(impl: object, calls: ActivityCall[]): Record<string, (...input: unknown[]) => unknown> {
  const recorded: Record<string, (...input: unknown[]) => unknown> = {};
  for (const [name, fn] of Object.entries(impl)) {
    if (typeof fn !== 'function') continue;
    recorded[name] = (...input: unknown[]) => {
      calls.push({ name, input, at: Context.current().info.currentAttemptScheduledTimestampMs });
      return (fn as (...args: unknown[]) => unknown)(...input);
    };
  }
  return recorded;
}

/** Polls `check` (server time standing still) until it returns a value. */
export async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
