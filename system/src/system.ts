import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { configFromEnv as orderConfig } from '@cancelflow/order-service/config';
import { startService as startOrderService } from '@cancelflow/order-service/service';
import { configFromEnv as paymentConfig } from '@cancelflow/payment-service/config';
import { startService as startPaymentService } from '@cancelflow/payment-service/service';
import { configFromEnv as notificationConfig } from '@cancelflow/notification-service/config';
import { startService as startNotificationService } from '@cancelflow/notification-service/service';
import { createCancellationsWorker } from '@cancelflow/workflows/worker';
import { createLogger } from '@cancelflow/service-kit';
import { apiClient, type ApiClient } from '@cancelflow/testing';

/** The METRICS_TOKEN of the system the tests start: GET /metrics with Authorization: Bearer <it>. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-of-the-cancelflow-test-suite';

export interface SystemOptions {
  databaseUrl?: string;
  temporalAddress?: string;
  namespace?: string;
  /** Environment variables given to every service's configuration (e.g. REFUND_RECHECK_INTERVAL). */
  env?: Record<string, string>;
  /** Variables for one service only, on top of env: { payments: { WORKER_ENABLED: 'false' } } leaves its worker to another process. */
  serviceEnv?: Partial<Record<'orders' | 'payments' | 'notifications', Record<string, string>>>;
  /** false: no worker of the workflows here (a test runs apps/workflows in a process of its own, to kill). */
  workflowsWorker?: boolean;
}

export interface RunningSystem {
  orders: ApiClient;
  payments: ApiClient;
  notifications: ApiClient;
  temporal: Client;
  /** The embedded SMTP server of the notification service, for sending replies to it (to an email's replyTo). */
  smtp: { host: string; port: number };
  /** The worker of the "cancellations" task queue, to stop and replace in crash tests. */
  cancellationsWorker(): Worker;
  restartCancellationsWorker(): Promise<void>;
  /** A query on the system's database (every service's schema), for checks no API answers. */
  sql<T extends object = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The whole system in this process, as `npm start` runs it in separate ones: the three services
 * with their HTTP APIs and workers, and the worker of the workflows, on the given Temporal and
 * PostgreSQL (by default those the test global setup started).
 */
export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const databaseUrl = options.databaseUrl ?? required('DATABASE_URL');
  const temporalAddress = options.temporalAddress ?? required('TEMPORAL_ADDRESS');
  const namespace = options.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: process.env.NODE_ENV ?? 'test',
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    PORT: '0',
    SMTP_PORT: '0',
    REFUND_RECHECK_FIRST: '500ms',
    REFUND_RECHECK_INTERVAL: '2s',
    // Every test file replies from 127.0.0.1 into one shared counter; tests of the limit use their own client address.
    SMTP_RATE_LIMIT_PER_MINUTE: '100000',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    // Webhook receivers in tests run on this machine, and their retries take moments, not days.
    WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
    WEBHOOK_TIMEOUT: '1s',
    WEBHOOK_RETRY_FIRST: '200ms',
    WEBHOOK_RETRY_LONGEST: '1s',
    WEBHOOK_SWEEP_INTERVAL: '100ms',
    ...options.env,
  };
  const logger = createLogger('system');
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      await closer().catch((error: unknown) => logger.error({ err: error }, 'error while stopping the system'));
    }
  };

  try {
    const only = options.serviceEnv ?? {};
    const notificationService = await startNotificationService(notificationConfig({ ...env, ...only.notifications }));
    closers.push(() => notificationService.close());
    const paymentService = await startPaymentService(paymentConfig({ ...env, ...only.payments }));
    closers.push(() => paymentService.close());
    const orderService = await startOrderService(orderConfig({ ...env, ...only.orders }));
    closers.push(() => orderService.close());
    // Payments and notifications ask the order service who owns an order (merchant tokens).
    process.env.ORDER_SERVICE_URL ??= orderService.url;

    const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
    closers.push(() => nativeConnection.close());
    let worker =
      options.workflowsWorker === false ? undefined : await createCancellationsWorker({ connection: nativeConnection, namespace });
    let running = worker?.run() ?? Promise.resolve();
    closers.push(async () => {
      worker?.shutdown();
      await running;
    });

    const connection = await Connection.connect({ address: temporalAddress });
    closers.push(() => connection.close());
    const embedded = notificationService.smtp.embedded;
    if (!embedded) throw new Error('the system under test needs the embedded SMTP server (no SMTP_URL)');

    return {
      orders: apiClient(orderService.url),
      payments: apiClient(paymentService.url),
      notifications: apiClient(notificationService.url),
      temporal: new Client({ connection, namespace }),
      smtp: embedded,
      cancellationsWorker: () => {
        if (!worker) throw new Error('this system runs no workflows worker (workflowsWorker: false)');
        return worker;
      },
      sql: (query, params = []) => orderService.db.em.fork().execute(query, params),
      async restartCancellationsWorker() {
        worker?.shutdown();
        await running;
        worker = await createCancellationsWorker({ connection: nativeConnection, namespace });
        running = worker.run();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run under the test global setup or pass it to startSystem`);
  return value;
}
