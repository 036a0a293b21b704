// The SMTP relay of the production topology on this machine, where compose runs Mailpit: takes
// every message the notification service sends (SMTP_URL points here), keeps its headers, and
// can be made unreachable for a while (its port closed) to prove that emails wait and go out once.

import { SMTPServer } from 'smtp-server';

const HOST = '127.0.0.1';

export interface RelayedMessage {
  messageId: string | undefined;
  /** X-CancelFlow-Template: which email it is. */
  template: string | undefined;
  /** X-CancelFlow-Message-Key: the sender's idempotency key. */
  messageKey: string | undefined;
  to: string[];
  at: number;
}

export interface SmtpRelay {
  url: string;
  port: number;
  messages(): readonly RelayedMessage[];
  /** Closes the port: senders get connection refused until reopen(). */
  closePort(): Promise<void>;
  reopen(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpRelay(port: number): Promise<SmtpRelay> {
  const messages: RelayedMessage[] = [];
  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 1_000,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
          messages.push({
            messageId: header(head, 'message-id'),
            template: header(head, 'x-cancelflow-template'),
            messageKey: header(head, 'x-cancelflow-message-key'),
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            at: Date.now(),
          });
          callback();
        });
      },
    });
  let server = create();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => resolve());
    });
  const shut = () => new Promise<void>((resolve) => server.close(() => resolve()));
  await listen();
  return {
    url: `smtp://${HOST}:${port}`,
    port,
    messages: () => messages,
    closePort: shut,
    reopen: async () => {
      server = create();
      await listen();
    },
    close: shut,
  };
}

/** One header's value from a message's header block, unfolded. */
function header(head: string, name: string): string | undefined {
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}
