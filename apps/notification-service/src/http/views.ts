import type { MailboxMessage, OutboundEmail } from '../db/index.ts';
import type { EmailBody, InboundReplyBody, MailboxMessageBody } from '@cancelflow/domain';

export const emailView = (e: OutboundEmail): EmailBody => ({
  id: e.id,
  messageKey: e.messageKey,
  to: e.toAddress,
  template: e.template,
  subject: e.subject,
  text: e.textBody,
  html: e.htmlBody,
  messageId: e.messageId,
  replyTo: e.replyTo ?? null,
  orderId: e.orderId ?? null,
  status: e.status,
  error: e.error ?? null,
  attempts: e.attempts,
  createdAt: e.createdAt.toISOString(),
  sentAt: e.sentAt?.toISOString() ?? null,
});

export const mailboxMessageView = (m: MailboxMessage, options: { raw: boolean } = { raw: false }): MailboxMessageBody => ({
  id: m.id,
  messageId: m.messageId ?? null,
  inReplyTo: m.inReplyTo ?? null,
  references: m.references,
  from: m.fromAddress ?? null,
  to: m.toAddresses,
  subject: m.subject ?? null,
  text: m.textBody ?? null,
  html: m.htmlBody ?? null,
  receivedAt: m.receivedAt.toISOString(),
  ...(options.raw ? { raw: m.raw } : {}),
});

/** A received reply (only mail with a reply verdict is listed: replyStatus is set). */
export const replyView = (m: MailboxMessage): InboundReplyBody => ({
  id: m.id,
  status: m.replyStatus!,
  /** Why it does not count as the customer's word (UNDECIDED only). */
  reasons: m.replyReasons,
  orderId: m.orderId ?? null,
  repliedEmailId: m.repliedEmailId ?? null,
  senderAuthentication: m.senderAuthentication ?? null,
  messageId: m.messageId ?? null,
  inReplyTo: m.inReplyTo ?? null,
  from: m.fromAddress ?? null,
  to: m.toAddresses,
  subject: m.subject ?? null,
  text: m.textBody ?? null,
  receivedAt: m.receivedAt.toISOString(),
});
