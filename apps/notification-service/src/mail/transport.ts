import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { tracedSendMail } from './traced.ts';

export type MailTransport = Transporter<SMTPTransport.SentMessageInfo>;

/**
 * A nodemailer SMTP transport for a relay URL (smtp://user:pass@relay:587) or the embedded
 * server. Timeouts are short: a relay that does not answer fails the activity, which retries.
 */
export function createMailTransport(url: string, options: { embedded: boolean; auth?: { user: string; pass: string } }): MailTransport {
  const parsed = new URL(url);
  const auth =
    options.auth ??
    (parsed.username !== '' ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined);
  return tracedSendMail(
    nodemailer.createTransport({
      host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: parsed.port ? Number(parsed.port) : parsed.protocol === 'smtps:' ? 465 : 587,
      secure: parsed.protocol === 'smtps:',
      // The embedded server speaks plain SMTP on loopback; a relay gets STARTTLS when it offers it.
      ignoreTLS: options.embedded,
      ...(auth ? { auth } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    }),
  );
}
