/**
 * Activities for email conversations: watch an email for replies, and forward a
 * whole thread (our emails and the replies to them) to someone, e.g. seller support.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Database } from '@cancelflow/service-kit';
import { MailboxMessage, OutboundEmail, ReplyWatch } from '../db/index.ts';
import type { ReplyRouter } from '../replies/reply-router.ts';
import type { CancelledButShippedNotificationActivities } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import type { NotificationActivities } from '@cancelflow/workflows/contracts/notifications';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

export function createThreadActivities(deps: {
  db: Database;
  replies: ReplyRouter;
  sendEmail: NotificationActivities['sendEmail'];
  mailFrom: string;
}): CancelledButShippedNotificationActivities {
  const em = () => deps.db.em.fork() as EntityManager;
  return {
    async watchReplies({ messageKey, workflowId }) {
      if (!messageKey?.trim() || !workflowId?.trim()) {
        throw ApplicationFailure.nonRetryable('watchReplies needs a messageKey and a workflowId', ACTIVITY_FAILURES.invalidWatchInput);
      }
      // By key: the watch comes before the email, whose Message-ID is chosen when it is sent.
      await em()
        .createQueryBuilder(ReplyWatch)
        .insert({ id: randomUUID(), messageKey, messageId: null, workflowId })
        .onConflict(['messageKey', 'workflowId'])
        .ignore()
        .execute();
      await deps.replies.catchUp(messageKey);
    },

    async forwardEmailThread(input) {
      const existing = await em().findOne(OutboundEmail, { messageKey: input.messageKey, status: 'SENT' });
      if (existing) return { messageId: existing.messageId };
      const fork = em();
      const roots = await fork.find(OutboundEmail, { messageKey: { $in: input.rootMessageKeys } }, { orderBy: { createdAt: 'asc' } });
      if (roots.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `none of the emails ${input.rootMessageKeys.join(', ')} was sent: there is no thread to forward`,
          ACTIVITY_FAILURES.threadNotFound,
        );
      }
      const rootIds = roots.map((r) => r.messageId);
      const replies = await fork.find(
        MailboxMessage,
        { $or: [{ inReplyTo: { $in: rootIds } }, { references: { $overlap: rootIds } }] },
        { orderBy: { receivedAt: 'asc' } },
      );
      const entries = [
        ...roots.map((r) => ({
          at: r.sentAt ?? r.createdAt,
          from: deps.mailFrom,
          to: r.toAddress,
          subject: r.subject,
          messageId: r.messageId,
          inReplyTo: null as string | null,
          verdict: null as string | null,
          body: r.textBody,
        })),
        ...replies.map((m) => ({
          at: m.receivedAt,
          from: m.fromAddress ?? '(unknown sender)',
          to: m.toAddresses.join(', '),
          subject: m.subject ?? '',
          messageId: m.messageId ?? '',
          inReplyTo: m.inReplyTo,
          verdict:
            m.replyStatus === 'COUNTED'
              ? "counted as the customer's reply"
              : m.replyStatus === 'UNDECIDED'
                ? `NOT counted as the customer's reply: ${m.replyReasons.join('; ')}`
                : 'received before replies were verified',
          body: m.textBody ?? '',
        })),
      ].sort((a, b) => a.at.getTime() - b.at.getTime());
      const thread = entries
        .map((e, i) =>
          [
            `----- Message ${i + 1} of ${entries.length} -----`,
            `Date: ${e.at.toISOString()}`,
            `From: ${e.from}`,
            `To: ${e.to}`,
            `Subject: ${e.subject}`,
            `Message-ID: ${e.messageId}`,
            ...(e.inReplyTo ? [`In-Reply-To: ${e.inReplyTo}`] : []),
            ...(e.verdict ? [`CancelFlow: ${e.verdict}`] : []),
            '',
            e.body.trim(),
            '',
          ].join('\n'),
        )
        .join('\n');
      return deps.sendEmail({
        messageKey: input.messageKey,
        to: input.to,
        template: 'EMAIL_THREAD_FORWARD',
        ...(input.orderId ? { orderId: input.orderId } : {}),
        data: { subject: input.subject, note: input.note ?? null, thread, messageCount: entries.length },
      });
    },
  };
}
