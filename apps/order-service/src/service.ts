import type { Client } from '@temporalio/client';
import { TASK_QUEUES } from '@cancelflow/domain';
import {
  connectTemporalClient,
  createLogger,
  listen,
  openDatabase,
  startWorker,
  workerLog,
  startRateLimits,
  type Database,
  type Logger,
  type RunningWorker,
} from '@cancelflow/service-kit';
import { createOrderActivities } from './activities/index.ts';
import { createCancellationRequestActivities } from './activities/request-activities.ts';
import { createUndoOrderActivities } from './activities/undo-activities.ts';
import { createBulkCancellationActivities } from './activities/bulk-cancellation-activities.ts';
import { createSandboxChannelReopenAdapter } from './adapters/sandbox-channel-reopen.ts';
import { createSandboxInventoryAdapter } from './adapters/sandbox-inventory.ts';
import type { ServiceDeps } from './deps.ts';
import type { ChannelAdapter } from './adapters/channel.ts';
import type { InventoryAdapter } from './adapters/inventory.ts';
import type { OrderServiceConfig } from './config.ts';
import { databaseSettings, ORDER_SCHEMA } from './db/index.ts';
import { migrate } from './migrate.ts';
import { buildServer } from './server.ts';
import { startOrderConfirmationSweep } from './orders/order-confirmation.ts';
import { orderServiceObservability } from './http/observability.ts';
import { loadWebhookResource } from './http/webhook-resources.ts';
import { createWebhookActivities } from './webhooks/activities.ts';
import { defaultWebhookSettings } from './webhooks/settings.ts';
import { startWebhookSweep } from './webhooks/sweep.ts';

export interface StartOptions {
  logger?: Logger;
  /** A Temporal client to use instead of connecting to config.temporal (tests). */
  temporalClient?: Client;
  channel?: ChannelAdapter;
  inventory?: InventoryAdapter;
}

export interface RunningOrderService {
  url: string;
  port: number;
  db: Database;
  temporal: Client;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), connects Temporal, serves HTTP and runs the worker of the
 * "orders" task queue. main.ts and the tests start the service through this one function.
 */
export async function startService(config: OrderServiceConfig, options: StartOptions = {}): Promise<RunningOrderService> {
  const logger = options.logger ?? createLogger('order-service');
  await migrate(config.databaseUrl);
  const db = await openDatabase(databaseSettings(config.databaseUrl));
  const cleanups: (() => Promise<void>)[] = [() => db.close(true)];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping the order service');
      }
    }
  };
  try {
    let temporal = options.temporalClient;
    if (!temporal) {
      const client = await connectTemporalClient(config.temporal);
      cleanups.push(() => client.connection.close());
      temporal = client;
    }
    const rateLimits = await startRateLimits({
      databaseUrl: config.databaseUrl,
      schema: ORDER_SCHEMA,
      ...(config.rateLimits ? { settings: config.rateLimits } : {}),
      logger,
    });
    cleanups.push(() => rateLimits.close());
    const deps: ServiceDeps = {
      db,
      temporal,
      logger,
      liveStateTimeoutMs: config.liveStateTimeoutMs ?? 1_000,
      temporalTimeoutMs: config.workflowStartTimeoutMs ?? 10_000,
      ...(config.cancellationProcess ? { cancellationProcess: config.cancellationProcess } : {}),
      ...(config.undoProcess ? { undoProcess: config.undoProcess } : {}),
      ...(config.cancelledButShippedProcess ? { cancelledButShippedProcess: config.cancelledButShippedProcess } : {}),
      ...(config.requestProcess ? { requestProcess: config.requestProcess } : {}),
      ...(config.selfService ? { selfService: config.selfService } : {}),
      ...(config.auth ? { auth: config.auth } : {}),
      rateLimits,
      webhooks: config.webhooks ?? defaultWebhookSettings(),
    };
    const workers: RunningWorker[] = [];
    if (config.worker) {
      const worker = await startWorker({
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: TASK_QUEUES.orders,
        activities: {
          ...createOrderActivities({
            db,
            ...(options.channel ? { channel: options.channel } : {}),
            ...(options.inventory ? { inventory: options.inventory } : {}),
          }),
          ...createCancellationRequestActivities(deps),
          ...createBulkCancellationActivities(deps),
          ...createUndoOrderActivities({
            db,
            temporal,
            inventory: options.inventory ?? createSandboxInventoryAdapter(db),
            channel: createSandboxChannelReopenAdapter(db),
          }),
        },
        ...workerLog(logger, TASK_QUEUES.orders),
      });
      workers.push(worker);
      cleanups.push(() => worker.close());
      // Its own queue: a receiver that is slow to answer never holds up the orders queue.
      const webhookWorker = await startWorker({
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: TASK_QUEUES.webhooks,
        activities: createWebhookActivities({ db, settings: deps.webhooks! }),
        ...workerLog(logger, TASK_QUEUES.webhooks),
      });
      workers.push(webhookWorker);
      cleanups.push(() => webhookWorker.close());
      cleanups.push(startWebhookSweep({ db, temporal, logger, settings: deps.webhooks!, loadResource: loadWebhookResource }));
    }
    if (config.orderConfirmationRetryAfterMs) cleanups.push(startOrderConfirmationSweep(deps, config.orderConfirmationRetryAfterMs));
    const app = buildServer(deps, {
      ...orderServiceObservability(db, temporal, workers),
      rateLimits,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    });
    const server = await listen(app, config.port, config.host);
    cleanups.push(() => server.close());
    logger.info({ url: server.url, worker: workers.length > 0 }, 'order service started');
    return { url: server.url, port: server.port, db, temporal, close };
  } catch (error) {
    await close();
    throw error;
  }
}
