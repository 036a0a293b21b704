/**
 * Inbound replies to workflows. Every message the SMTP server takes in from outside is judged
 * as it is stored (packages/domain judgeReply): it counts as the customer's word only when it
 * threads to the random Message-ID of one of our emails, comes from that email's recipient and
 * the relay did not find it forged; anything else is kept UNDECIDED, for support (GET /replies).
 * A counted reply to an email a workflow watches (watchReplies) is recorded as a delivery in the
 * same transaction and signalled to that workflow. A signal that fails (Temporal unreachable)
 * stays pending and is retried by a sweep, so no reply is lost; the workflow deduplicates on
 * the mailbox message id. UNDECIDED replies are never signalled.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import { judgeReply, normaliseAddress, type SenderAuthentication } from '@cancelflow/domain';
import type { Database, Logger } from '@cancelflow/service-kit';
import { emailReplyReceivedSignal, type EmailReply } from '@cancelflow/workflows/contracts/cancelled-but-shipped';
import { MailboxMessage, OutboundEmail, ReplyDelivery, ReplyWatch } from '../db/index.ts';
import { senderAuthentication } from '../mail/authentication-results.ts';
import type { ReceivedEnvelope } from '../mail/embedded-smtp-server.ts';
import { parseReceivedMessage, threadIdsOf } from '../mail/mailbox.ts';

export interface ReplyRouter {
  /** Parses, judges and stores a message the SMTP server took; a counted reply is signalled to its watchers. */
  receive(raw: Buffer, envelope: ReceivedEnvelope): Promise<MailboxMessage>;
  /** Records counted replies to this email that arrived before the watch, then signals them. */
  catchUp(messageKey: string): Promise<void>;
  /** Signals every pending delivery (also run periodically). */
  deliverPending(): Promise<void>;
  close(): Promise<void>;
}

export function createReplyRouter(options: {
  db: Database;
  /** The pool the SMTP server stores with (its own, so a sender's held connection cannot starve it); default db. */
  inboundDb?: Database;
  temporal: Client | undefined;
  logger: Logger;
  /** The relay's authserv-id; when set, a reply needs that relay's Authentication-Results to count. */
  trustedAuthservId?: string;
  /** How often pending deliveries are retried (default 5 s); 0 turns the sweep off. */
  sweepMs?: number;
}): ReplyRouter {
  const { db, temporal, logger } = options;
  const em = () => db.em.fork() as EntityManager;
  const inboundEm = () => (options.inboundDb ?? db).em.fork() as EntityManager;
  let sweeping: Promise<void> | undefined;

  const describeAuthentication = (a: SenderAuthentication): string | null =>
    a.verdict === 'FAIL'
      ? `FAIL: ${a.failed.join(', ')}`
      : a.verdict === 'PASS'
        ? `PASS: ${a.passed.join(', ')}`
        : a.verdict === 'MISSING'
          ? `MISSING: nothing from ${a.authservId}`
          : null;

  /** Our emails with an unguessable id, sent to this sender, that the message threads to. */
  const answeredBy = (emails: OutboundEmail[], from: readonly string[]) =>
    emails.filter((e) => e.messageIdUnguessable && from.length === 1 && normaliseAddress(e.toAddress) === normaliseAddress(from[0]!));

  async function recordDeliveries(fork: EntityManager, messageId: string, emails: readonly OutboundEmail[]): Promise<void> {
    if (emails.length === 0) return;
    const watches = await fork.find(ReplyWatch, { messageKey: { $in: emails.map((e) => e.messageKey) } });
    for (const watch of watches) {
      const email = emails.find((e) => e.messageKey === watch.messageKey)!;
      await fork
        .createQueryBuilder(ReplyDelivery)
        .insert({ mailboxMessageId: messageId, workflowId: watch.workflowId, watchedMessageId: email.messageId, attempts: 0 })
        .onConflict(['mailboxMessageId', 'workflowId'])
        .ignore()
        .execute();
    }
  }

  async function receive(raw: Buffer, envelope: ReceivedEnvelope): Promise<MailboxMessage> {
    const parsed = await parseReceivedMessage(raw, envelope);
    const stored = await inboundEm().transactional(async (fork) => {
      const kept = {
        messageId: parsed.messageId,
        inReplyTo: parsed.inReplyTo,
        references: parsed.references,
        fromAddress: parsed.fromAddress,
        toAddresses: parsed.toAddresses,
        subject: parsed.subject,
        textBody: parsed.textBody,
        htmlBody: parsed.htmlBody,
        raw: parsed.raw,
        replyReasons: [] as string[],
      };
      // Our own outbound email, kept by the development sink: not a reply.
      if (envelope.submitted)
        return fork.create(MailboxMessage, { ...kept, replyStatus: null, senderAuthentication: null, orderId: null, repliedEmailId: null });

      const ids = threadIdsOf(parsed);
      const threaded =
        ids.length > 0 ? await fork.find(OutboundEmail, { messageId: { $in: ids } }, { orderBy: { createdAt: 'desc' } }) : [];
      const answered = answeredBy(threaded, parsed.from);
      const repliedTo = answered[0] ?? threaded[0];
      const authentication = senderAuthentication(parsed.authenticationResults, options.trustedAuthservId);
      const judgement = judgeReply({
        from: parsed.from,
        ...(repliedTo ? { repliesTo: { sentTo: repliedTo.toAddress, unguessableMessageId: repliedTo.messageIdUnguessable } } : {}),
        authentication,
      });
      // A reply that names none of our emails is filed under the order of the sender's latest
      // email that asked for a reply, so support finds it there.
      const orderId = repliedTo ? repliedTo.orderId : await latestReplyableOrder(fork, parsed.from);
      const message = fork.create(MailboxMessage, {
        ...kept,
        replyStatus: judgement.status,
        replyReasons: judgement.status === 'UNDECIDED' ? judgement.reasons : [],
        senderAuthentication: describeAuthentication(authentication),
        orderId: orderId ?? null,
        repliedEmailId: repliedTo?.id ?? null,
      });
      await fork.flush();
      if (judgement.status === 'COUNTED') await recordDeliveries(fork, message.id, answered);
      else
        logger.info(
          { mailboxMessageId: message.id, from: parsed.fromAddress, reasons: judgement.reasons },
          "a reply does not count as the customer's word: kept for support",
        );
      return message;
    });
    // Stored first: a reply that cannot be signalled now is retried by the sweep. Not awaited:
    // the SMTP answer must not wait on Temporal.
    if (stored.replyStatus === 'COUNTED')
      void deliverPending().catch((error: unknown) => logger.warn({ err: error }, 'could not signal a reply'));
    return stored;
  }

  async function latestReplyableOrder(fork: EntityManager, from: readonly string[]): Promise<string | null | undefined> {
    if (from.length !== 1) return null;
    const latest = await fork.findOne(
      OutboundEmail,
      { toAddress: { $ilike: from[0]!.replace(/[\\%_]/g, '\\$&') }, replyTo: { $ne: null } },
      { orderBy: { createdAt: 'desc' } },
    );
    return latest?.orderId;
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
    receive,
    async catchUp(messageKey) {
      const fork = em();
      const email = await fork.findOne(OutboundEmail, { messageKey });
      if (!email?.messageIdUnguessable) return;
      const earlier = await fork.find(MailboxMessage, {
        replyStatus: 'COUNTED',
        $or: [{ inReplyTo: email.messageId }, { references: { $contains: [email.messageId] } }],
      });
      for (const message of earlier) {
        // Counted for this email only when it came from this email's recipient.
        if (answeredBy([email], message.fromAddress ? [message.fromAddress] : []).length > 0)
          await recordDeliveries(fork, message.id, [email]);
      }
      await deliverPending();
    },
    deliverPending,
    async close() {
      if (timer) clearInterval(timer);
      await sweeping;
    },
  };
}
