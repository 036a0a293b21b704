/**
 * Inbound replies to workflows. A workflow that waits for the customer's answer watches its
 * email (watchReplies); a message the embedded SMTP server receives whose In-Reply-To or
 * References names a watched Message-ID is recorded as a delivery and signalled to that
 * workflow. A signal that fails (Temporal unreachable) stays pending and is retried by a sweep,
 * so no reply is lost; the workflow deduplicates on the mailbox message id.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Database, Logger } from '@cancelflow/service-kit';
import { emailReplyReceivedSignal, type EmailReply } from '@cancelflow/workflows/messages';
import { MailboxMessage, ReplyDelivery, ReplyWatch } from '../db/index.ts';

export interface ReplyRouter {
  /** Threads a stored message to the workflows watching what it replies to, and signals them. */
  route(message: MailboxMessage): Promise<void>;
  /** Records replies that arrived before the watch (same rule), then signals them. */
  catchUp(messageId: string): Promise<void>;
  /** Signals every pending delivery (also run periodically). */
  deliverPending(): Promise<void>;
  close(): Promise<void>;
}

export function createReplyRouter(options: {
  db: Database;
  temporal: Client | undefined;
  logger: Logger;
  /** How often pending deliveries are retried (default 5 s); 0 turns the sweep off. */
  sweepMs?: number;
}): ReplyRouter {
  const { db, temporal, logger } = options;
  const em = () => db.em.fork() as EntityManager;
  let sweeping: Promise<void> | undefined;

  const threadIds = (m: Pick<MailboxMessage, 'inReplyTo' | 'references'>): string[] =>
    [...new Set([m.inReplyTo, ...m.references].filter((id): id is string => !!id))];

  async function record(message: MailboxMessage): Promise<void> {
    const ids = threadIds(message);
    if (ids.length === 0) return;
    const fork = em();
    const watches = await fork.find(ReplyWatch, { messageId: { $in: ids } });
    for (const watch of watches) {
      await fork
        .createQueryBuilder(ReplyDelivery)
        .insert({ mailboxMessageId: message.id, workflowId: watch.workflowId, watchedMessageId: watch.messageId, attempts: 0 })
        .onConflict(['mailboxMessageId', 'workflowId'])
        .ignore()
        .execute();
    }
  }

  async function signal(delivery: ReplyDelivery): Promise<void> {
    if (!temporal) return;
    const fork = em();
    const message = await fork.findOne(MailboxMessage, { id: delivery.mailboxMessageId });
    if (!message) return;
    const reply: EmailReply = {
      mailboxMessageId: message.id,
      messageId: message.messageId ?? null,
      inReplyTo: message.inReplyTo ?? null,
      from: message.fromAddress ?? null,
      subject: message.subject ?? null,
      text: message.textBody ?? '',
      receivedAt: message.receivedAt.toISOString(),
    };
    try {
      await temporal.workflow.getHandle(delivery.workflowId).signal(emailReplyReceivedSignal, reply);
      await fork.nativeUpdate(
        ReplyDelivery,
        { mailboxMessageId: delivery.mailboxMessageId, workflowId: delivery.workflowId },
        { signalledAt: new Date(), attempts: delivery.attempts + 1, lastError: null },
      );
    } catch (error) {
      const gone = error instanceof WorkflowNotFoundError;
      // A finished workflow will never take it: mark it done with the reason, do not retry.
      await fork.nativeUpdate(
        ReplyDelivery,
        { mailboxMessageId: delivery.mailboxMessageId, workflowId: delivery.workflowId },
        {
          attempts: delivery.attempts + 1,
          lastError: error instanceof Error ? error.message : String(error),
          ...(gone ? { signalledAt: new Date() } : {}),
        },
      );
      if (!gone) logger.warn({ err: error, workflowId: delivery.workflowId }, 'could not signal a reply; will retry');
    }
  }

  async function deliverPending(): Promise<void> {
    const pending = await em().find(ReplyDelivery, { signalledAt: null }, { orderBy: { createdAt: 'asc' }, limit: 100 });
    for (const delivery of pending) await signal(delivery);
  }

  const sweepMs = options.sweepMs ?? 5_000;
  const timer =
    sweepMs > 0 && temporal
      ? setInterval(() => {
          sweeping ??= deliverPending()
            .catch((error: unknown) => logger.warn({ err: error }, 'reply sweep failed'))
            .finally(() => {
              sweeping = undefined;
            });
        }, sweepMs)
      : undefined;
  timer?.unref();

  return {
    async route(message) {
      await record(message);
      await deliverPending();
    },
    async catchUp(messageId) {
      const earlier = await em().find(MailboxMessage, {
        $or: [{ inReplyTo: messageId }, { references: { $contains: [messageId] } }],
      });
      for (const message of earlier) await record(message);
      await deliverPending();
    },
    deliverPending,
    async close() {
      if (timer) clearInterval(timer);
      await sweeping;
    },
  };
}
