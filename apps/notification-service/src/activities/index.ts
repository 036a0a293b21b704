import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { EMAIL_TEMPLATES, ValidationError, text } from '@cancelflow/domain';
import type { Database, Logger } from '@cancelflow/service-kit';
import { problemsOf } from '@cancelflow/service-kit/validate';
import { OutboundEmail } from '../db/index.ts';
import type { MailTransport } from '../mail/transport.ts';
import { renderEmail } from '../templates/index.ts';
import { newMessageId } from './message-id.ts';
import type { NotificationActivities } from '@cancelflow/workflows/contracts/notifications';
import { ACTIVITY_FAILURES } from '@cancelflow/domain/activity-failures';

export interface NotificationActivityDeps {
  db: Database;
  /** Where emails go: the embedded SMTP server or a relay. */
  transport: MailTransport;
  /** The From header, e.g. "CancelFlow <no-reply@cancelflow.local>". */
  mailFrom: string;
  /** The Reply-To of emails that ask for a reply: where the SMTP server takes replies. */
  replyTo: string;
  logger: Logger;
}

type SendEmailInput = Parameters<NotificationActivities['sendEmail']>[0];

const sendEmailInput = z.object({
  messageKey: z
    .string({ error: 'messageKey is required: the business id of this email, e.g. cancellation-confirmed:<cancellationId>' })
    .trim()
    .min(1, 'messageKey cannot be empty')
    .max(200, 'messageKey is at most 200 characters'),
  to: z.email({ error: 'to must be an email address such as jane@example.com' }).max(320),
  template: z.enum(EMAIL_TEMPLATES, { error: `template must be one of ${EMAIL_TEMPLATES.join(', ')}` }),
  data: z.record(text(), z.union([text(), z.number(), z.boolean(), z.null()]), {
    error: 'data must be an object of strings, numbers, booleans and nulls',
  }),
  orderId: text().trim().min(1).max(64, 'orderId is at most 64 characters').optional(),
});

export function createNotificationActivities(deps: NotificationActivityDeps): NotificationActivities {
  return {
    /**
     * Sends the email once per messageKey, under a random Message-ID chosen at the first attempt.
     * A SENT row answers with its Message-ID and sends nothing; a PENDING or FAILED row (a
     * crashed or failed attempt) is sent again under the same Message-ID. Concurrent calls with one key are serialised by a row lock, so only one
     * of them sends. Bad input or template data fails for good; SMTP failures are retried.
     */
    async sendEmail(raw: SendEmailInput): Promise<{ messageId: string }> {
      const input = validate(raw);
      const rendered = render(input.template, input.data);
      const replyTo = rendered.invitesReply ? deps.replyTo : null;
      const em = deps.db.em.fork() as EntityManager;

      await em
        .createQueryBuilder(OutboundEmail)
        .insert({
          id: randomUUID(),
          messageKey: input.messageKey,
          toAddress: input.to,
          template: input.template,
          subject: rendered.subject,
          textBody: rendered.text,
          htmlBody: rendered.html,
          messageId: newMessageId(),
          messageIdUnguessable: true,
          replyTo,
          orderId: input.orderId ?? null,
          status: 'PENDING',
          attempts: 0,
        })
        .onConflict('messageKey')
        .ignore()
        .execute();

      const outcome = await em.transactional(async (tx) => {
        const email = await tx.findOneOrFail(OutboundEmail, { messageKey: input.messageKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (email.status === 'SENT') return { sent: true as const, messageId: email.messageId };

        // A retry renders what it was asked now: the latest data wins until the email is sent.
        tx.assign(email, {
          toAddress: input.to,
          template: input.template,
          subject: rendered.subject,
          textBody: rendered.text,
          htmlBody: rendered.html,
          replyTo,
          orderId: input.orderId ?? email.orderId,
          attempts: email.attempts + 1,
        });
        try {
          await deps.transport.sendMail({
            from: deps.mailFrom,
            to: email.toAddress,
            subject: email.subject,
            text: email.textBody,
            html: email.htmlBody,
            messageId: email.messageId,
            ...(email.replyTo ? { replyTo: email.replyTo } : {}),
            headers: { 'X-CancelFlow-Message-Key': email.messageKey, 'X-CancelFlow-Template': email.template },
          });
          tx.assign(email, { status: 'SENT', sentAt: new Date(), error: null });
          return { sent: true as const, messageId: email.messageId };
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          tx.assign(email, { status: 'FAILED', error: reason });
          return { sent: false as const, reason, attempts: email.attempts };
        }
      });

      if (!outcome.sent) {
        deps.logger.warn({ messageKey: input.messageKey, to: input.to, reason: outcome.reason }, 'email could not be sent');
        throw ApplicationFailure.retryable(
          `email ${input.messageKey} to ${input.to} could not be sent (attempt ${outcome.attempts}): ${outcome.reason}`,
          ACTIVITY_FAILURES.smtpFailed,
        );
      }
      return { messageId: outcome.messageId };
    },
  };
}

function validate(raw: unknown): z.output<typeof sendEmailInput> {
  const result = sendEmailInput.safeParse(raw);
  if (result.success) return result.data;
  const problems = problemsOf(result.error, 'sendEmail input').map((p) => `${p.path || 'input'}: ${p.message}`);
  throw ApplicationFailure.nonRetryable(
    `sendEmail input is invalid: ${problems.join('; ')}`,
    ACTIVITY_FAILURES.invalidEmailInput,
    problems,
  );
}

function render(template: z.output<typeof sendEmailInput>['template'], data: unknown): ReturnType<typeof renderEmail> {
  try {
    return renderEmail(template, data);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw ApplicationFailure.nonRetryable(error.message, ACTIVITY_FAILURES.invalidTemplateData, ...error.details);
    }
    throw error;
  }
}
