/** The notification service's answers: the emails it sent and what its embedded SMTP server received. */
import { z } from 'zod';
import { EMAIL_TEMPLATES } from '../../activities.ts';
import { INBOUND_REPLY_STATUSES } from '../../inbound-reply.ts';
import { pageOf, timestampSchema } from './common.ts';

export const OUTBOUND_EMAIL_STATUSES = ['PENDING', 'SENT', 'FAILED'] as const;

export const emailBodySchema = z
  .object({
    id: z.string(),
    messageKey: z.string().meta({ description: 'the business key the email was sent once for' }),
    to: z.string(),
    template: z.enum(EMAIL_TEMPLATES),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    messageId: z.string(),
    replyTo: z.string().nullable().meta({ description: 'where replies go, for emails that ask for one' }),
    orderId: z.string().nullable(),
    status: z.enum(OUTBOUND_EMAIL_STATUSES),
    error: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: timestampSchema,
    sentAt: timestampSchema.nullable(),
  })
  .meta({ id: 'Email' });
export type EmailBody = z.infer<typeof emailBodySchema>;

export const emailPageSchema = pageOf(emailBodySchema).meta({ id: 'EmailPage' });
export type EmailPage = z.infer<typeof emailPageSchema>;

export const mailboxMessageBodySchema = z
  .object({
    id: z.string(),
    messageId: z.string().nullable(),
    inReplyTo: z.string().nullable(),
    references: z.array(z.string()),
    from: z.string().nullable(),
    to: z.array(z.string()),
    subject: z.string().nullable(),
    text: z.string().nullable(),
    html: z.string().nullable(),
    receivedAt: timestampSchema,
    raw: z.string().optional().meta({ description: 'the whole message as received (GET /mailbox/:id only)' }),
  })
  .meta({ id: 'MailboxMessage' });
export type MailboxMessageBody = z.infer<typeof mailboxMessageBodySchema>;

export const mailboxPageSchema = pageOf(mailboxMessageBodySchema).meta({ id: 'MailboxPage' });
export type MailboxPage = z.infer<typeof mailboxPageSchema>;

/** Mail that came in to the reply address; UNDECIDED ones do not count as the customer's word. */
export const inboundReplyBodySchema = z
  .object({
    id: z.string(),
    status: z.enum(INBOUND_REPLY_STATUSES),
    reasons: z.array(z.string()).meta({ description: "why it does not count as the customer's word (UNDECIDED only)" }),
    orderId: z.string().nullable(),
    repliedEmailId: z.string().nullable(),
    senderAuthentication: z.string().nullable(),
    messageId: z.string().nullable(),
    inReplyTo: z.string().nullable(),
    from: z.string().nullable(),
    to: z.array(z.string()),
    subject: z.string().nullable(),
    text: z.string().nullable(),
    receivedAt: timestampSchema,
  })
  .meta({ id: 'InboundReply' });
export type InboundReplyBody = z.infer<typeof inboundReplyBodySchema>;

export const inboundReplyPageSchema = pageOf(inboundReplyBodySchema).meta({ id: 'InboundReplyPage' });
export type InboundReplyPage = z.infer<typeof inboundReplyPageSchema>;
