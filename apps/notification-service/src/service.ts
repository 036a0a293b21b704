import { connectTemporalClient, createLogger, listen, openDatabase, startActivityWorker, type Database, type Logger, type RunningActivityWorker } from '@cancelflow/service-kit';
import type { NotificationActivities } from '@cancelflow/domain';
import { createNotificationActivities } from './activities/index.ts';
import { createThreadActivities } from './activities/threads.ts';
import { createReplyRouter, type ReplyRouter } from './replies/reply-router.ts';
import type { NotificationServiceConfig } from './config.ts';
import { databaseSettings } from './db/index.ts';
import { startEmbeddedSmtpServer, type EmbeddedSmtpServer } from './mail/embedded-smtp-server.ts';
import { storeReceivedMessage } from './mail/mailbox.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';
import { migrate } from './migrate.ts';
import { buildServer } from './server.ts';
import { notificationServiceObservability } from './http/observability.ts';

export { createNotificationActivities };
export type { NotificationServiceConfig };

export interface RunningNotificationService {
  /** http://host:port of the HTTP API. */
  url: string;
  smtp: {
    /** Where nodemailer sends: the embedded server's smtp://host:port, or SMTP_URL. */
    url: string;
    /** The embedded SMTP server's address; absent when SMTP_URL points at a relay. */
    embedded?: { host: string; port: number };
  };
  /** The activities the worker runs, for registering them in another (test) worker. */
  activities: NotificationActivities;
  db: Database;
  transport: MailTransport;
  close(): Promise<void>;
}

/**
 * Opens the database (migrating it), starts the embedded SMTP server unless a relay is
 * configured, the HTTP API and the worker of the notifications task queue.
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

    // Replies threaded to a waiting workflow are signalled to it (process 3's acknowledgement).
    const temporal = await connectTemporalClient(config.temporal);
    closers.push(() => temporal.connection.close());
    const replies: ReplyRouter = createReplyRouter({ db, temporal, logger });
    closers.push(() => replies.close());

    let smtpServer: EmbeddedSmtpServer | undefined;
    if (!config.smtp.url) {
      // The embedded server stands in for an outside relay, so it gets a pool of its own: a
      // sender holds its connection while it talks SMTP, and a shared pool would deadlock once
      // every connection belonged to a sender waiting on the server to store its message.
      const mailboxDb = await openDatabase(databaseSettings(config.databaseUrl));
      closers.push(() => mailboxDb.close(true));
      smtpServer = await startEmbeddedSmtpServer({
        host: config.smtp.host,
        port: config.smtp.port,
        logger,
        onMessage: async (raw, envelope) => {
          const stored = await storeReceivedMessage(mailboxDb.em.fork(), raw, envelope);
          // Stored first: a reply that cannot be signalled now is retried by the router's sweep.
          // Routing is not awaited: the SMTP answer must not wait on the senders' pool.
          void replies.route(stored).catch((error: unknown) => logger.warn({ err: error }, 'could not route a reply'));
        },
      });
      closers.push(() => smtpServer!.close());
    }
    const smtpUrl = config.smtp.url ?? smtpServer!.url;
    const transport = createMailTransport(smtpUrl, { embedded: smtpServer !== undefined });
    closers.push(async () => transport.close());

    const activities = createNotificationActivities({ db, transport, mailFrom: config.mailFrom, logger });
    const threads = createThreadActivities({ db, replies, sendEmail: activities.sendEmail, mailFrom: config.mailFrom });

    const http = await listen(buildServer({ db, logger }, notificationServiceObservability(db, temporal, transport)), config.port, config.host);
    closers.push(() => http.close());

    let worker: RunningActivityWorker | undefined;
    if (config.workerEnabled) {
      worker = await startActivityWorker({
        address: config.temporal.address,
        namespace: config.temporal.namespace,
        taskQueue: config.taskQueue,
        activities: { ...activities, ...threads },
        onFailure: (error) => logger.error({ err: error }, 'the notifications worker stopped'),
      });
      closers.push(() => worker!.close());
    }

    logger.info(
      {
        url: http.url,
        smtp: smtpServer ? smtpServer.url : redact(smtpUrl),
        taskQueue: worker ? config.taskQueue : null,
      },
      'notification-service started',
    );
    return {
      url: http.url,
      smtp: { url: smtpUrl, ...(smtpServer ? { embedded: { host: smtpServer.host, port: smtpServer.port } } : {}) },
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
