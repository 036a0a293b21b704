import type { MailboxMessage, OutboundEmail } from '../db/index.ts';

export const emailView = (e: OutboundEmail) => ({
  id: e.id,
  messageKey: e.messageKey,
  to: e.toAddress,
  template: e.template,
  subject: e.subject,
  text: e.textBody,
  html: e.htmlBody,
  messageId: e.messageId,
  orderId: e.orderId ?? null,
  status: e.status,
  error: e.error ?? null,
  attempts: e.attempts,
  createdAt: e.createdAt,
  sentAt: e.sentAt ?? null,
});

export const mailboxMessageView = (m: MailboxMessage, options: { raw: boolean } = { raw: false }) => ({
  id: m.id,
  messageId: m.messageId ?? null,
  inReplyTo: m.inReplyTo ?? null,
  references: m.references,
  from: m.fromAddress ?? null,
  to: m.toAddresses,
  subject: m.subject ?? null,
  text: m.textBody ?? null,
  html: m.htmlBody ?? null,
  receivedAt: m.receivedAt,
  ...(options.raw ? { raw: m.raw } : {}),
});
