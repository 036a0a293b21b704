import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { normaliseAddress } from '@cancelflow/domain';
import type { Logger } from '@cancelflow/service-kit';
import type { RateLimiter } from '@cancelflow/service-kit/postgres-rate-limiter';

export interface ReceivedEnvelope {
  mailFrom: string | null;
  rcptTo: string[];
  /** CancelFlow's own outbound email, handed in over authenticated submission (development sink). */
  submitted: boolean;
  remoteAddress: string;
}

export interface EmbeddedSmtpServer {
  host: string;
  port: number;
  /** smtp://host:port, what nodemailer is pointed at. */
  url: string;
  close(): Promise<void>;
}

export interface SmtpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** The only recipients a client from outside may name: where CancelFlow takes replies. */
  replyAddresses: readonly string[];
  /** Larger messages are refused (552), announced in EHLO as SIZE. */
  maxMessageBytes: number;
  /** Messages per client address (outside clients only). */
  rateLimiter: RateLimiter;
  /**
   * Development and tests, with no relay: the server also stands in for the outside world, so
   * CancelFlow's own transport logs in with these credentials and may send to anyone; every
   * such message is kept, for the console and the tests to read. Absent in production.
   */
  submission?: { user: string; pass: string };
  onMessage(raw: Buffer, envelope: ReceivedEnvelope): Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * CancelFlow's SMTP server. It takes mail from outside for the reply addresses only (550 for
 * any other recipient), at most `maxMessageBytes` per message and `rateLimiter`'s messages per
 * client address (451, try later). No TLS: in production it sits behind the MX relay, which
 * speaks TLS to the world. A message is acknowledged (250) only after `onMessage` stored it,
 * so once a send succeeded the message can be read; a storing failure answers 451 and the
 * sender retries.
 */
export async function startEmbeddedSmtpServer(options: SmtpServerOptions): Promise<EmbeddedSmtpServer> {
  const { logger, submission, maxMessageBytes } = options;
  const replyAddresses = new Set(options.replyAddresses.map(normaliseAddress));
  const server = new SMTPServer({
    name: 'cancelflow.local',
    banner: 'CancelFlow SMTP server (takes replies to CancelFlow emails)',
    disabledCommands: submission ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: true,
    // Submission is for the service's own transport on loopback only.
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: maxMessageBytes,
    maxClients: 100,
    logger: false,
    closeTimeout: 2_000,
    onAuth(auth, _session, callback) {
      if (
        submission &&
        auth.username !== undefined &&
        sameSecret(auth.username, submission.user) &&
        sameSecret(auth.password ?? '', submission.pass)
      ) {
        callback(null, { user: submission.user });
        return;
      }
      callback(smtpError(535, '5.7.8 authentication failed'));
    },
    onMailFrom(_address, session, callback) {
      if (session.user) return callback();
      options.rateLimiter.take(`smtp:${session.remoteAddress}`).then(
        (verdict) =>
          callback(
            verdict.allowed
              ? null
              : smtpError(451, `4.7.1 too many messages from ${session.remoteAddress}: try again in ${verdict.retryAfterSeconds} s`),
          ),
        (error: unknown) => {
          logger.error({ err: error }, 'SMTP rate limit could not be checked');
          callback(smtpError(451, '4.3.0 try again later'));
        },
      );
    },
    onRcptTo(address, session, callback) {
      if (session.user || replyAddresses.has(normaliseAddress(address.address))) return callback();
      callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here; this server takes replies to CancelFlow emails only`));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 message exceeds the ${maxMessageBytes} byte limit`));
          return;
        }
        options.onMessage(Buffer.concat(chunks), envelopeOf(session)).then(
          () => callback(),
          (error: unknown) => {
            logger.error({ err: error }, 'SMTP server could not store a message');
            callback(smtpError(451, '4.3.0 message could not be stored, try again later'));
          },
        );
      });
    },
  });
  server.on('error', (error) => logger.error({ err: error }, 'SMTP server error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  const host = options.host;
  return {
    host,
    port,
    url: `smtp://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function envelopeOf(session: SMTPServerSession): ReceivedEnvelope {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    mailFrom: mailFrom ? mailFrom.address : null,
    rcptTo: rcptTo.map((r) => r.address.toLowerCase()),
    submitted: session.user !== undefined,
    remoteAddress: session.remoteAddress,
  };
}
