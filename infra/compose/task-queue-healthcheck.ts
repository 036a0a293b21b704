// Container healthcheck for a process that serves no HTTP (the workflows worker):
// healthy when the Temporal task queue it polls has at least one worker polling it.
//
//   node infra/compose/task-queue-healthcheck.ts cancellations
//
// Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE like the services do. Exit 0 = healthy.
// With several replicas this says "the queue is served", not "this replica polls": good enough
// for `depends_on: service_healthy` and for spotting a worker that never connected.
import { Connection } from '@temporalio/client';

const taskQueue = process.argv[2];
if (!taskQueue) {
  console.error('usage: node infra/compose/task-queue-healthcheck.ts <task-queue>');
  process.exit(2);
}
// temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW; @temporalio/proto is CommonJS
// and not a direct dependency, so the value is written out.
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';

try {
  const connection = await Connection.connect({ address, connectTimeout: 3_000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    if (!pollers || pollers.length === 0) {
      console.error(`no worker polls task queue "${taskQueue}" in namespace "${namespace}" at ${address}`);
      process.exitCode = 1;
    }
  } finally {
    await connection.close();
  }
} catch (error) {
  console.error(`cannot ask Temporal at ${address} about task queue "${taskQueue}": ${String(error)}`);
  process.exitCode = 1;
}
