import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Logger } from '@cancelflow/service-kit';

export interface ReceivedEnvelope {
  mailFrom: string | null;
  rcptTo: string[];
}

export interface EmbeddedSmtpServer {
  host: string;
  port: number;
  /** smtp://host:port, what nodemailer is pointed at. */
  url: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

/**
 * A local SMTP server that accepts every message, for development and tests: no TLS, no auth.
 * A message is acknowledged (250) only after `onMessage` stored it, so once a send succeeded
 * the message can be read; a storing failure answers 451 and the sender retries.
 */
export async function startEmbeddedSmtpServer(options: {
  host: string;
  port: number;
  logger: Logger;
  onMessage(raw: Buffer, envelope: ReceivedEnvelope): Promise<void>;
}): Promise<EmbeddedSmtpServer> {
  const { logger } = options;
  const server = new SMTPServer({
    name: 'cancelflow.local',
    banner: 'CancelFlow embedded SMTP server (keeps every message it accepts)',
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    size: MAX_MESSAGE_BYTES,
    logger: false,
    closeTimeout: 2_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(Object.assign(new Error(`message exceeds the ${MAX_MESSAGE_BYTES} byte limit`), { responseCode: 552 }));
          return;
        }
        options.onMessage(Buffer.concat(chunks), envelopeOf(session)).then(
          () => callback(),
          (error: unknown) => {
            logger.error({ err: error }, 'embedded SMTP server could not store a message');
            callback(Object.assign(new Error('message could not be stored, try again later'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  server.on('error', (error) => logger.error({ err: error }, 'embedded SMTP server error'));

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

function envelopeOf(session: SMTPServerSession): ReceivedEnvelope {
  const { mailFrom, rcptTo } = session.envelope;
  return {
    mailFrom: mailFrom ? mailFrom.address : null,
    rcptTo: rcptTo.map((r) => r.address.toLowerCase()),
  };
}
