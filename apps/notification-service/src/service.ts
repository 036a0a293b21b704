import { randomBytes } from 'node:crypto';
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
import { postgresRateLimiter } from '@cancelflow/service-kit/postgres-rate-limiter';
import { createNotificationActivities } from './activities/index.ts';
import { createThreadActivities } from './activities/threads.ts';
import { createReplyRouter, type ReplyRouter } from './replies/reply-router.ts';
import type { NotificationServiceConfig } from './config.ts';
import { databaseSettings, SCHEMA } from './db/index.ts';
import { startEmbeddedSmtpServer, type EmbeddedSmtpServer } from './mail/embedded-smtp-server.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';
import { migrate } from './migrate.ts';
import { buildServer } from './server.ts';
import { notificationServiceObservability } from './http/observability.ts';
import type { NotificationActivities } from '@cancelflow/workflows/contracts/notifications';

export { createNotificationActivities };
export type { NotificationServiceConfig };

export interface RunningNotificationService {
  /** http://host:port of the HTTP API. */
  url: string;
  smtp: {
    /** Where nodemailer sends: the embedded server's smtp://host:port, or SMTP_URL. */
    url: string;
    /** Where replies come in: CancelFlow's SMTP server (behind the MX relay in production). */
    inbound: { host: string; port: number };
    /** The same server when it also stands in for the outside world (no SMTP_URL); absent with a relay. */
    embedded?: { host: string; port: number };
  };
  /** The activities the worker runs, for registering them in another (test) worker. */
  activities: NotificationActivities;
  db: Database;
  transport: MailTransport;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), starts the SMTP server that takes replies (which, without
 * a relay, also stands in for the outside world), the HTTP API and the worker of the
 * notifications task queue.
 */
export async function startService(
  config: NotificationServiceConfig,
  options: { logger?: Logger } = {},
): Promise<RunningNotificationService> {
  const logger = options.logger ?? createLogger('notification-service');
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) {
      await closer().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };

  try {
    await migrate(config.databaseUrl);
    const db = await openDatabase(databaseSettings(config.databaseUrl));
    closers.push(() => db.close(true));

    // The SMTP server gets a pool of its own: a sender holds its connection while it talks
    // SMTP, and a shared pool would deadlock once every connection belonged to a sender waiting
    // on the server to store its message.
    const inboundDb = await openDatabase(databaseSettings(config.databaseUrl));
    closers.push(() => inboundDb.close(true));

    // Replies that count as the customer's word are signalled to the waiting workflow.
    const temporal = await connectTemporalClient(config.temporal);
    closers.push(() => temporal.connection.close());
    const replies: ReplyRouter = createReplyRouter({
      db,
      inboundDb,
      temporal,
      logger,
      ...(config.trustedAuthservId ? { trustedAuthservId: config.trustedAuthservId } : {}),
    });
    closers.push(() => replies.close());

    const rateLimiter = postgresRateLimiter({
      url: config.databaseUrl,
      schema: SCHEMA,
      table: 'smtp_rate_limit',
      points: config.smtp.rateLimitPerMinute,
      windowSeconds: 60,
    });
    closers.push(() => rateLimiter.close());
    // Without a relay the server also stands in for the outside world: our own transport logs
    // in (credentials of this process only) and may send to anyone, and every message is kept.
    const submission = config.smtp.url ? undefined : { user: 'cancelflow', pass: randomBytes(24).toString('hex') };
    const smtpServer: EmbeddedSmtpServer = await startEmbeddedSmtpServer({
      host: config.smtp.host,
      port: config.smtp.port,
      logger,
      replyAddresses: config.replyAddresses,
      maxMessageBytes: config.smtp.maxMessageBytes,
      rateLimiter,
      ...(submission ? { submission } : {}),
      onMessage: async (raw, envelope) => {
        await replies.receive(raw, envelope);
      },
    });
    closers.push(() => smtpServer.close());
    const smtpUrl = config.smtp.url ?? smtpServer.url;
    const transport = createMailTransport(smtpUrl, { embedded: submission !== undefined, ...(submission ? { auth: submission } : {}) });
    closers.push(async () => transport.close());

    const activities = createNotificationActivities({
      db,
      transport,
      mailFrom: config.mailFrom,
      replyTo: config.replyAddresses[0]!,
      logger,
    });
    const threads = createThreadActivities({ db, replies, sendEmail: activities.sendEmail, mailFrom: config.mailFrom });

    const rateLimits = await startRateLimits({
      databaseUrl: config.databaseUrl,
      schema: SCHEMA,
      ...(config.rateLimits ? { settings: config.rateLimits } : {}),
      logger,
    });
    closers.push(() => rateLimits.close());
    const workers: RunningWorker[] = [];
    const http = await listen(
      buildServer(
        { db, logger },
        {
          ...notificationServiceObservability(db, temporal, transport, workers),
          rateLimits,
          ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
        },
      ),
      config.port,
      config.host,
    );
    closers.push(() => http.close());

    let worker: RunningWorker | undefined;
    if (config.worker) {
      worker = await startWorker({
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: config.taskQueue,
        activities: { ...activities, ...threads },
        ...workerLog(logger, config.taskQueue),
      });
      workers.push(worker);
      closers.push(() => worker!.close());
    }

    logger.info(
      {
        url: http.url,
        smtp: submission ? smtpServer.url : redact(smtpUrl),
        inbound: smtpServer.url,
        replyAddresses: config.replyAddresses,
        taskQueue: worker ? config.taskQueue : null,
      },
      'notification-service started',
    );
    return {
      url: http.url,
      smtp: {
        url: smtpUrl,
        inbound: { host: smtpServer.host, port: smtpServer.port },
        ...(submission ? { embedded: { host: smtpServer.host, port: smtpServer.port } } : {}),
      },
      activities,
      db,
      transport,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A relay URL without its password, for logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'smtp relay';
  }
}
