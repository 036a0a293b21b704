import { NativeConnection, Worker } from '@temporalio/worker';
import { connectWorker, withWorkerTelemetry } from '@cancelflow/service-kit';
import { TASK_QUEUES, type PaymentActivities } from '@cancelflow/domain';

/** The worker of the "payments" task queue: activities only, no workflows. */
export async function createPaymentWorker(options: {
  address: string;
  namespace: string;
  activities: PaymentActivities;
}): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await connectWorker(options.address);
  try {
    const worker = await Worker.create(withWorkerTelemetry({
      connection,
      namespace: options.namespace,
      taskQueue: TASK_QUEUES.payments,
      activities: options.activities,
    }));
    return { worker, connection };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
