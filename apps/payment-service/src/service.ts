/**
 * The payment service in one process: database (migrated), Temporal client, sandbox provider,
 * HTTP API and the worker of the "payments" task queue. main.ts and the tests both start it here.
 */
import { TASK_QUEUES } from '@cancelflow/domain';
import {
  connectTemporalClient,
  createLogger,
  listen,
  openDatabase,
  startWorker,
  type RunningWorker,
  workerLog,
  startRateLimits,
  type Database,
  type Logger,
} from '@cancelflow/service-kit';
import { createPaymentActivities } from './activities/index.ts';
import { createSandboxProvider, type SandboxProvider } from './adapters/sandbox-provider.ts';
import type { PaymentServiceConfig } from './config.ts';
import { databaseSettings, PAYMENTS_SCHEMA } from './db/index.ts';
import { migrate } from './migrate.ts';
import { createPaymentBook, signalCancellationWorkflow, type PaymentBook } from './refunds/index.ts';
import { buildServer } from './server.ts';
import { paymentServiceObservability } from './http/observability.ts';
import { createCancelledButShippedPaymentActivities } from './activities/cancelled-but-shipped.ts';
import { createSandboxChargeProvider } from './adapters/sandbox-charge-provider.ts';
import { createRebillBook, type RebillBook } from './rebills/index.ts';
import { createUndoPaymentActivities } from './activities/undo-activities.ts';
import { createSandboxUndoProvider } from './adapters/sandbox-undo-provider.ts';
import { createUndoMoney } from './undo/index.ts';
import { overdueWaits } from './waits/overdue-waits.ts';
import type { PaymentActivities } from '@cancelflow/workflows/contracts/cancellation';
import type { CancelledButShippedPaymentActivities } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import type { UndoPaymentActivities } from '@cancelflow/workflows/contracts/undo-cancellation';

const DEFAULT_EXPECTED_WAIT = { cardRefundMs: 3_600_000, bankDepositMs: 432_000_000 };

export interface RunningPaymentService {
  url: string;
  port: number;
  /** The activities this process registers; tests and in-process workers can use them directly. */
  activities: PaymentActivities & UndoPaymentActivities;
  /** Cancelled but shipped: acknowledgements, rebills, credit memos (and their activities). */
  rebills: RebillBook;
  cancelledButShippedActivities: CancelledButShippedPaymentActivities;
  book: PaymentBook;
  sandbox: SandboxProvider;
  orm: Database;
  close(): Promise<void>;
}

export async function startService(config: PaymentServiceConfig, options: { logger?: Logger } = {}): Promise<RunningPaymentService> {
  const logger = options.logger ?? createLogger('payment-service');
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (err) {
        logger.warn({ err }, 'payment-service: error while closing');
      }
    }
    closers.length = 0;
  };

  try {
    await migrate(config.databaseUrl);
    const orm = await openDatabase(databaseSettings(config.databaseUrl));
    closers.push(() => orm.close(true));
    const client = await connectTemporalClient(config.temporal);
    closers.push(() => client.connection.close());

    // The sandbox's webhooks go to the same handler as POST /provider-events.
    const sandbox: SandboxProvider = createSandboxProvider({
      orm,
      logger,
      cardSettleMs: config.sandboxCardSettleMs,
      ...(config.sandboxSweepMs ? { sweepMs: config.sandboxSweepMs } : {}),
      outages: config.sandboxOutages ?? false,
      deliverEvent: (event) =>
        event.type === 'payment.received' ? undoMoney.handlePaymentReceived(event) : book.handleProviderEvent(event),
    });
    closers.push(() => sandbox.close());
    const book = createPaymentBook({
      orm,
      provider: sandbox,
      onRefundStatusChanged: signalCancellationWorkflow(client, logger),
    });
    // Undoing cancellations: stop, recapture, take back, or ask the customer to pay again.
    const undoProvider = createSandboxUndoProvider({ orm, authorisationDays: config.sandboxAuthorisationDays ?? 7 });
    const undoMoney = createUndoMoney({ orm, provider: undoProvider, temporal: client, logger });
    const activities = { ...createPaymentActivities({ orm, provider: sandbox, logger }), ...createUndoPaymentActivities(undoMoney) };

    // Cancelled but shipped: the customer's acknowledgement, the rebill and the credit memo.
    const rebills = createRebillBook({ orm, charges: createSandboxChargeProvider(orm) });
    const cancelledButShippedActivities = createCancelledButShippedPaymentActivities(rebills);

    const rateLimits = await startRateLimits({
      databaseUrl: config.databaseUrl,
      schema: PAYMENTS_SCHEMA,
      ...(config.rateLimits ? { settings: config.rateLimits } : {}),
      logger,
    });
    closers.push(() => rateLimits.close());
    const expectedWait = config.expectedWait ?? DEFAULT_EXPECTED_WAIT;
    const waits = () => overdueWaits(orm, expectedWait);
    const workers: RunningWorker[] = [];
    const http = await listen(
      buildServer(
        {
          logger,
          db: orm,
          book,
          sandbox,
          sandboxOutages: config.sandboxOutages ?? false,
          rebills,
          undo: { money: undoMoney, sandbox: undoProvider },
          waits,
        },
        {
          ...paymentServiceObservability(orm, client, workers, waits),
          rateLimits,
          ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
        },
      ),
      config.port,
      config.host,
    );
    closers.push(() => http.close());

    if (config.worker) {
      const worker = await startWorker({
        ...config.temporal,
        taskQueue: TASK_QUEUES.payments,
        activities: { ...activities, ...cancelledButShippedActivities },
        ...workerLog(logger, TASK_QUEUES.payments),
      });
      workers.push(worker);
      closers.push(() => worker.close());
    }

    await sandbox.start();
    logger.info({ url: http.url }, 'payment-service started');
    return { url: http.url, port: http.port, activities, rebills, cancelledButShippedActivities, book, sandbox, orm, close };
  } catch (error) {
    await close();
    throw error;
  }
}
