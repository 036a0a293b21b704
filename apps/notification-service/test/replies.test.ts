import { createHash, randomInt, randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotificationService } from '../src/service.ts';
import {
  closedPort,
  getJson,
  REPLY_ADDRESS,
  startTestService,
  testConfig,
  uniqueId,
  type ErrorView,
  type ListOf,
  type MailboxView,
} from './helpers.ts';

interface ReplyView {
  id: string;
  status: 'COUNTED' | 'UNDECIDED';
  reasons: string[];
  orderId: string | null;
  repliedEmailId: string | null;
  senderAuthentication: string | null;
  messageId: string | null;
  from: string | null;
  text: string | null;
}

let service: RunningNotificationService;

beforeAll(async () => {
  service = await startTestService({ worker: false });
});
afterAll(async () => {
  await service?.close();
});

const cancelledButShippedData = {
  orderNo: 'WS-1001',
  customerName: 'Ada',
  carrier: 'DHL',
  trackingNumber: 'JJD1',
  amount: 2500,
  currency: 'EUR',
  lines: '2 x MUG',
};

/** The cancelled-but-shipped email to a new customer, for a new order. */
async function emailToCustomer() {
  const orderId = uniqueId('order');
  const customer = `${uniqueId('Ada')}@Example.com`;
  const messageKey = `cancelled-but-shipped:${randomUUID()}`;
  const { messageId } = await service.activities.sendEmail({
    messageKey,
    to: customer,
    template: 'CANCELLED_BUT_SHIPPED',
    data: cancelledButShippedData,
    orderId,
  });
  return { orderId, customer, messageKey, messageId };
}

type Mail = { from: string; to?: string; inReplyTo?: string; text?: string; headers?: Record<string, string> };

/** A real SMTP conversation with the service's SMTP server, as a mail client or relay has it. */
async function send(mail: Mail, transport: { host?: string; port?: number; localAddress?: string } = {}): Promise<{ messageId: string }> {
  const client = nodemailer.createTransport({
    host: transport.host ?? service.smtp.inbound.host,
    port: transport.port ?? service.smtp.inbound.port,
    ignoreTLS: true,
    ...(transport.localAddress ? { localAddress: transport.localAddress } : {}),
  });
  try {
    const info = await client.sendMail({
      from: mail.from,
      to: mail.to ?? REPLY_ADDRESS,
      subject: 'Re: your order',
      text: mail.text ?? 'I accept the item and the rebilling.',
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: [mail.inReplyTo] } : {}),
      ...(mail.headers ? { headers: mail.headers } : {}),
    });
    return { messageId: info.messageId };
  } finally {
    client.close();
  }
}

const smtpRefusal = async (sending: Promise<unknown>): Promise<{ responseCode?: number; response?: string }> => {
  const error = await sending.then(
    () => undefined,
    (e: unknown) => e as { responseCode?: number; response?: string },
  );
  expect(error, 'the SMTP server refuses').toBeDefined();
  return error!;
};

async function replyWith(messageId: string, service_: RunningNotificationService = service): Promise<ReplyView | undefined> {
  const { body } = await getJson<ListOf<ReplyView>>(`${service_.url}/replies?limit=200`);
  return body.items.find((r) => r.messageId === messageId);
}

async function mailboxHas(messageId: string): Promise<boolean> {
  const { body } = await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?messageId=${encodeURIComponent(messageId)}`);
  return body.total > 0;
}

async function deliveriesOf(mailboxMessageId: string): Promise<number> {
  const rows = await service.db.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) as n from "notifications"."reply_delivery" where "mailbox_message_id" = ?`, [
      mailboxMessageId,
    ]);
  return Number(rows[0]!.n);
}

async function watch(messageKey: string): Promise<void> {
  await service.db.em
    .fork()
    .execute(`insert into "notifications"."reply_watch" ("id", "message_key", "message_id", "workflow_id") values (?, ?, null, ?)`, [
      randomUUID(),
      messageKey,
      `watching-${randomUUID()}`,
    ]);
}

describe("a reply counts as the customer's word only when it threads to our random id and comes from the customer", () => {
  it('the customer replying to our email (whatever the case of their address) counts, and goes to the workflow that watches the email', async () => {
    const email = await emailToCustomer();
    await watch(email.messageKey);
    const { messageId } = await send({ from: email.customer.toLowerCase(), inReplyTo: email.messageId });
    const reply = await replyWith(messageId);
    expect(reply).toMatchObject({ status: 'COUNTED', reasons: [], orderId: email.orderId, senderAuthentication: null });
    expect(await deliveriesOf(reply!.id)).toBe(1);
  });

  it('another sender with the real Message-ID is kept UNDECIDED under the order, saying why, and reaches no workflow', async () => {
    const email = await emailToCustomer();
    await watch(email.messageKey);
    const { messageId } = await send({ from: 'attacker@evil.test', inReplyTo: email.messageId });
    const reply = await replyWith(messageId);
    expect(reply).toMatchObject({ status: 'UNDECIDED', orderId: email.orderId, from: 'attacker@evil.test' });
    expect(reply!.reasons.join(' ')).toMatch(/comes from attacker@evil\.test, not from ada-.*@example\.com/);
    expect(await deliveriesOf(reply!.id)).toBe(0);

    const { body } = await getJson<ListOf<ReplyView>>(`${service.url}/replies?status=UNDECIDED&orderId=${email.orderId}`);
    expect(body.items.map((r) => r.messageId)).toEqual([messageId]);
  });

  it("a Message-ID computed from the cancelled-but-shipped process id (as ids were made before) threads to nothing: UNDECIDED, filed under the sender's order", async () => {
    const email = await emailToCustomer();
    await watch(email.messageKey);
    const key = email.messageKey;
    const guessed = `<${key.replace(/[^A-Za-z0-9._+=-]/g, '-')}.${createHash('sha256').update(key).digest('hex').slice(0, 12)}@cancelflow.local>`;
    expect(guessed).not.toBe(email.messageId);
    const { messageId } = await send({ from: email.customer, inReplyTo: guessed });
    const reply = await replyWith(messageId);
    expect(reply).toMatchObject({ status: 'UNDECIDED', orderId: email.orderId, repliedEmailId: null });
    expect(reply!.reasons.join(' ')).toMatch(/does not thread to an email CancelFlow sent/);
    expect(await deliveriesOf(reply!.id)).toBe(0);
  });

  it("the relay's failing Authentication-Results keep even a threaded reply from the customer's address from counting", async () => {
    const email = await emailToCustomer();
    await watch(email.messageKey);
    const { messageId } = await send({
      from: email.customer,
      inReplyTo: email.messageId,
      headers: {
        'Authentication-Results':
          'mx.cancelflow.example; spf=pass smtp.mailfrom=example.com; dmarc=fail (p=reject) header.from=example.com',
      },
    });
    const reply = await replyWith(messageId);
    expect(reply).toMatchObject({ status: 'UNDECIDED', senderAuthentication: 'FAIL: dmarc=fail' });
    expect(reply!.reasons.join(' ')).toMatch(/found the sender forged \(dmarc=fail\)/);
    expect(await deliveriesOf(reply!.id)).toBe(0);
  });

  it('a passing verdict changes nothing for a forged sender', async () => {
    const email = await emailToCustomer();
    const { messageId } = await send({
      from: 'attacker@evil.test',
      inReplyTo: email.messageId,
      headers: { 'Authentication-Results': 'mx; dmarc=pass' },
    });
    expect((await replyWith(messageId))?.status).toBe('UNDECIDED');
  });
});

describe('the SMTP server takes replies only', () => {
  it('refuses any recipient but the reply address (550) and keeps nothing', async () => {
    const email = await emailToCustomer();
    for (const to of ['no-reply@cancelflow.local', 'support@cancelflow.local', email.customer, 'replies@evil.test']) {
      const refused = await smtpRefusal(send({ from: email.customer, to, inReplyTo: email.messageId }));
      expect(refused.responseCode, to).toBe(550);
      expect(refused.response).toMatch(/takes replies to CancelFlow emails only/);
    }
  });

  it('refuses a message over the size limit (552) and keeps nothing', async () => {
    const email = await emailToCustomer();
    const refused = await smtpRefusal(send({ from: email.customer, inReplyTo: email.messageId, text: 'I accept. '.repeat(120_000) }));
    expect(refused.responseCode).toBe(552);
    const { body } = await getJson<ListOf<ReplyView>>(`${service.url}/replies?orderId=${email.orderId}`);
    expect(body.total).toBe(0);
  });

  it("refuses a log-in with wrong credentials (535): only the service's own transport may send to others", async () => {
    const client = nodemailer.createTransport({
      host: service.smtp.inbound.host,
      port: service.smtp.inbound.port,
      ignoreTLS: true,
      auth: { user: 'cancelflow', pass: 'guess' },
    });
    try {
      const refused = await smtpRefusal(client.sendMail({ from: 'attacker@evil.test', to: 'victim@example.com', subject: 'x', text: 'x' }));
      expect(refused.responseCode).toBe(535);
    } finally {
      client.close();
    }
  });

  it('limits the messages per client address (451, try later), without touching other clients', async () => {
    const limited = await startTestService({ worker: false, smtp: { ...testConfig().smtp, rateLimitPerMinute: 2 } });
    try {
      // Client addresses of their own: the counters are shared by every test in this PostgreSQL.
      const from = (a: number) => ({
        host: limited.smtp.inbound.host,
        port: limited.smtp.inbound.port,
        localAddress: `127.${a}.${randomInt(1, 250)}.${randomInt(1, 250)}`,
      });
      const client = from(randomInt(1, 125));
      const first = await send({ from: 'ada@example.com' }, client);
      await send({ from: 'ada@example.com' }, client);
      const refused = await smtpRefusal(send({ from: 'ada@example.com', text: 'third' }, client));
      expect(refused.responseCode).toBe(451);
      expect(refused.response).toMatch(/too many messages from .*try again in \d+ s/);
      expect(await replyWith(first.messageId, limited)).toBeDefined();
      // Another client is not held back by that one.
      await send({ from: 'bob@example.com' }, from(randomInt(126, 250)));
    } finally {
      await limited.close();
    }
  });

  it('with a relay for outbound mail, the SMTP server still takes replies, offers no log-in and sends nowhere', async () => {
    const relayed = await startTestService({
      worker: false,
      smtp: { ...testConfig().smtp, url: `smtp://127.0.0.1:${await closedPort()}` },
    });
    try {
      expect(relayed.smtp.embedded).toBeUndefined();
      const at = { host: relayed.smtp.inbound.host, port: relayed.smtp.inbound.port };
      const { messageId } = await send({ from: 'ada@example.com' }, at);
      expect((await replyWith(messageId, relayed))?.status).toBe('UNDECIDED');
      expect((await smtpRefusal(send({ from: 'ada@example.com', to: 'someone@example.com' }, at))).responseCode).toBe(550);
      const client = nodemailer.createTransport({ ...at, ignoreTLS: true, auth: { user: 'cancelflow', pass: 'x' } });
      try {
        // No AUTH to log in with, so the recipient is refused like anyone's.
        await smtpRefusal(client.sendMail({ from: 'a@example.com', to: 'b@example.com', subject: 'x', text: 'x' }));
      } finally {
        client.close();
      }
    } finally {
      await relayed.close();
    }
  });

  it("keeps CancelFlow's own emails in the development mailbox, never as replies", async () => {
    const email = await emailToCustomer();
    expect(await mailboxHas(email.messageId)).toBe(true);
    expect(await replyWith(email.messageId)).toBeUndefined();
  });
});

describe('GET /replies refuses bad input with 400 and a message', () => {
  it.each([
    ['an unknown status', '?status=MAYBE', 'status: must be one of COUNTED, UNDECIDED'],
    ['a status given twice', '?status=UNDECIDED&status=COUNTED', 'status: must be one of'],
    ['an order id given twice', '?orderId=a&orderId=b', 'orderId: must be given once'],
    ['an empty order id', '?orderId=', 'orderId: cannot be empty'],
    ['a limit of 0', '?limit=0', 'limit'],
    ['an unknown parameter', '?from=ada@example.com', 'unknown query parameter(s) from'],
  ])('%s', async (_what, query, message) => {
    const { status, body } = await getJson<ErrorView>(`${service.url}/replies${query}`);
    expect(status).toBe(400);
    expect(body.error.message).toContain(message);
  });
});
