import { SpanKind } from '@opentelemetry/api';
import { withSpan } from '@cancelflow/service-kit';
import type { Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

/** Each message sent is a CLIENT span "smtp send" in the trace of the activity that sent it. */
export function tracedSendMail<T extends Transporter>(transport: T): T {
  const send = transport.sendMail.bind(transport) as (mail: Mail.Options) => Promise<unknown>;
  const traced = (mail: Mail.Options) =>
    withSpan('smtp send', { 'messaging.system': 'smtp', 'smtp.recipients': String(mail.to ?? '') }, () => send(mail), SpanKind.CLIENT);
  return Object.assign(transport, { sendMail: traced });
}
