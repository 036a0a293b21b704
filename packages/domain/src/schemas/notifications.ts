import { z } from 'zod';
import { INBOUND_REPLY_STATUSES } from '../inbound-reply.ts';
import { EMAIL_TEMPLATES } from '../activities.ts';
import { paginationSchema, text } from './common.ts';

const emailAddress = (what: string) => z.email({ error: `${what} must be an email address such as jane@example.com` }).max(320);

/** GET /emails: the emails the notification service sent, newest first. */
export const listEmailsQuerySchema = z
  .strictObject(
    {
      orderId: text({ error: 'orderId must be given once, as text' }).trim().min(1, 'orderId cannot be empty').max(64),
      to: emailAddress('to'),
      status: z.enum(['PENDING', 'SENT', 'FAILED'], { error: 'status must be PENDING, SENT or FAILED' }),
      template: z.enum(EMAIL_TEMPLATES, { error: `template must be one of ${EMAIL_TEMPLATES.join(', ')}` }),
      limit: paginationSchema.shape.limit,
      offset: paginationSchema.shape.offset,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown query parameter(s) ${issue.keys.join(', ')}: use orderId, to, status, template, limit, offset`
          : undefined,
    },
  )
  .partial({ orderId: true, to: true, status: true, template: true });
export type ListEmailsQuery = z.infer<typeof listEmailsQuerySchema>;

/** GET /mailbox: what the embedded SMTP server received, newest first. */
export const listMailboxQuerySchema = z
  .strictObject(
    {
      to: emailAddress('to'),
      messageId: text({ error: 'messageId must be given once, as text' })
        .trim()
        .min(3, 'messageId must be a Message-ID such as <abc@example.com>')
        .max(998),
      inReplyTo: text({ error: 'inReplyTo must be given once, as text' })
        .trim()
        .min(3, 'inReplyTo must be a Message-ID such as <abc@example.com>')
        .max(998),
      limit: paginationSchema.shape.limit,
      offset: paginationSchema.shape.offset,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown query parameter(s) ${issue.keys.join(', ')}: use to, messageId, inReplyTo, limit, offset`
          : undefined,
    },
  )
  .partial({ to: true, messageId: true, inReplyTo: true });
export type ListMailboxQuery = z.infer<typeof listMailboxQuerySchema>;

/** GET /replies: mail that came in to the reply address, judged COUNTED or UNDECIDED, newest first. */
export const listRepliesQuerySchema = z
  .strictObject(
    {
      status: z.enum(INBOUND_REPLY_STATUSES, { error: `status must be one of ${INBOUND_REPLY_STATUSES.join(', ')}` }),
      orderId: text({ error: 'orderId must be given once, as text' })
        .trim()
        .min(1, 'orderId cannot be empty')
        .max(64, 'orderId is at most 64 characters'),
      limit: paginationSchema.shape.limit,
      offset: paginationSchema.shape.offset,
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown query parameter(s) ${issue.keys.join(', ')}: use status, orderId, limit, offset`
          : undefined,
    },
  )
  .partial({ status: true, orderId: true });
export type ListRepliesQuery = z.infer<typeof listRepliesQuerySchema>;
