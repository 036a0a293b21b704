import { ApplicationFailure } from '@temporalio/common';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotificationService } from '../src/service.ts';
import {
  closedPort,
  testConfig,
  confirmationData,
  getJson,
  REPLY_ADDRESS,
  startTestService,
  uniqueId,
  type EmailView,
  type ListOf,
  type MailboxView,
} from './helpers.ts';

let service: RunningNotificationService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

const mailboxFor = async (to: string) => (await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?to=${encodeURIComponent(to)}`)).body;

const emailsFor = async (to: string) => (await getJson<ListOf<EmailView>>(`${service.url}/emails?to=${encodeURIComponent(to)}`)).body;

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

describe('sendEmail', () => {
  it('delivers the cancellation confirmation over SMTP to the embedded server, which keeps it with subject, body and Message-ID', async () => {
    const to = `${uniqueId('jane')}@example.com`;
    const key = `cancellation-confirmed:${uniqueId('can')}`;
    const orderId = uniqueId('order');

    const { messageId } = await service.activities.sendEmail({
      messageKey: key,
      to,
      template: 'CANCELLATION_CONFIRMED',
      data: confirmationData(),
      orderId,
    });

    // Random: nothing about the key or the order lets anyone compute it (and thread a forged reply to it).
    expect(messageId).toMatch(/^<[0-9a-f]{32}@cancelflow\.local>$/);
    expect(messageId).not.toContain(key.split(':')[1]);
    const mailbox = await mailboxFor(to);
    expect(mailbox.total).toBe(1);
    const received = mailbox.items[0]!;
    expect(received.messageId).toBe(messageId);
    expect(received.subject).toBe('Your order WEB-10042 has been cancelled');
    expect(received.from).toBe('no-reply@cancelflow.local');
    expect(received.to).toEqual([to]);
    expect(received.text).toContain('We have refunded 45.98 EUR.');
    expect(received.text).toContain('payment method you paid with');
    expect(received.html).toContain('<strong>45.98 EUR</strong>');

    const { body: sent } = await getJson<ListOf<EmailView>>(`${service.url}/emails?orderId=${orderId}`);
    expect(sent.items).toHaveLength(1);
    expect(sent.items[0]).toMatchObject({ messageKey: key, to, status: 'SENT', attempts: 1, messageId, error: null });
  });

  it('an email that asks for a reply names the reply address as Reply-To; one that does not, none', async () => {
    const asks = `${uniqueId('ask')}@example.com`;
    const { messageId } = await service.activities.sendEmail({
      messageKey: `ask:${uniqueId('can')}`,
      to: asks,
      template: 'CANCELLATION_CONFIRMED',
      data: confirmationData(),
    });
    const tells = `${uniqueId('tell')}@example.com`;
    await service.activities.sendEmail({
      messageKey: `tell:${uniqueId('o')}`,
      to: tells,
      template: 'ORDER_CONFIRMATION',
      data: { orderNo: 'WS-1', lines: '1 x MUG', viewOrderUrl: 'https://shop.example/self-service?token=t' },
    });

    const received = await getJson<MailboxView>(`${service.url}/mailbox/${(await mailboxFor(asks)).items[0]!.id}`);
    expect(received.body.messageId).toBe(messageId);
    expect(received.body.raw).toMatch(/^Reply-To: replies@cancelflow\.local\r?$/m);
    expect((await emailsFor(asks)).items[0]!.replyTo).toBe(REPLY_ADDRESS);
    const other = await getJson<MailboxView>(`${service.url}/mailbox/${(await mailboxFor(tells)).items[0]!.id}`);
    expect(other.body.raw).not.toMatch(/^Reply-To:/im);
    expect((await emailsFor(tells)).items[0]!.replyTo).toBeNull();
  });

  it('sends an email once per message key: a repeat returns the first Message-ID and the mailbox holds one message', async () => {
    const to = `${uniqueId('once')}@example.com`;
    const input = {
      messageKey: `confirm/${uniqueId('can')}`,
      to,
      template: 'CANCELLATION_CONFIRMED' as const,
      data: confirmationData(),
    };

    const first = await service.activities.sendEmail(input);
    const second = await service.activities.sendEmail(input);

    expect(second.messageId).toBe(first.messageId);
    expect((await mailboxFor(to)).total).toBe(1);
    const emails = await emailsFor(to);
    expect(emails.items).toHaveLength(1);
    expect(emails.items[0]!.attempts).toBe(1);
  });

  it('sends once when the same key is asked for concurrently', async () => {
    const to = `${uniqueId('race')}@example.com`;
    const input = {
      messageKey: `race:${uniqueId('can')}`,
      to,
      template: 'CANCELLATION_CONFIRMED' as const,
      data: confirmationData(),
    };

    const results = await Promise.all([1, 2, 3, 4].map(() => service.activities.sendEmail(input)));

    expect(new Set(results.map((r) => r.messageId)).size).toBe(1);
    expect((await mailboxFor(to)).total).toBe(1);
  });

  it('fails for good, naming the field, when the template data is invalid, and sends and records nothing', async () => {
    const to = `${uniqueId('bad')}@example.com`;
    const failure = await failureOf(
      service.activities.sendEmail({
        messageKey: `bad:${uniqueId('can')}`,
        to,
        template: 'CANCELLATION_CONFIRMED',
        data: confirmationData({ orderNo: null, amount: 12.5 }),
      }),
    );

    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('INVALID_TEMPLATE_DATA');
    expect(failure.message).toContain('orderNo');
    expect(failure.message).toContain('amount');
    expect((await mailboxFor(to)).total).toBe(0);
    expect((await emailsFor(to)).total).toBe(0);
  });

  it('fails for good when the recipient is not an email address', async () => {
    const failure = await failureOf(
      service.activities.sendEmail({
        messageKey: `bad-to:${uniqueId('can')}`,
        to: 'not an address',
        template: 'CANCELLATION_CONFIRMED',
        data: confirmationData(),
      }),
    );
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toContain('to: must be an email address');
  });

  it('escapes the customer name in the HTML of the delivered email', async () => {
    const to = `${uniqueId('esc')}@example.com`;
    await service.activities.sendEmail({
      messageKey: `esc:${uniqueId('can')}`,
      to,
      template: 'CANCELLATION_CONFIRMED',
      data: confirmationData({ customerName: '<img src=x onerror=alert(1)> & "Co"' }),
    });
    const received = (await mailboxFor(to)).items[0]!;
    expect(received.html).toContain('Dear &lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;,');
    expect(received.html).not.toContain('<img');
    expect(received.text).toContain('Dear <img src=x onerror=alert(1)> & "Co",');
  });

  it('stores a reply sent with nodemailer with its In-Reply-To and References, findable by the message it answers', async () => {
    const customer = `${uniqueId('reply')}@example.com`;
    const { messageId } = await service.activities.sendEmail({
      messageKey: `reply-to:${uniqueId('can')}`,
      to: customer,
      template: 'CANCELLATION_CONFIRMED',
      data: confirmationData(),
    });

    const client = nodemailer.createTransport({ host: service.smtp.embedded!.host, port: service.smtp.embedded!.port, ignoreTLS: true });
    try {
      await client.sendMail({
        from: customer,
        to: REPLY_ADDRESS,
        subject: 'Re: Your order WEB-10042 has been cancelled',
        text: 'I accept the item and the rebilling.',
        inReplyTo: messageId,
        references: [messageId],
      });
    } finally {
      client.close();
    }

    const { body } = await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?inReplyTo=${encodeURIComponent(messageId)}`);
    expect(body.total).toBe(1);
    const reply = body.items[0]!;
    expect(reply).toMatchObject({
      inReplyTo: messageId,
      references: [messageId],
      from: customer,
      to: [REPLY_ADDRESS],
      subject: 'Re: Your order WEB-10042 has been cancelled',
    });
    expect(reply.text).toContain('I accept the item and the rebilling.');
    expect(reply.messageId).toMatch(/^<.+@.+>$/);
  });
});

describe('sendEmail with the SMTP relay down', () => {
  let relayDown: RunningNotificationService;

  beforeAll(async () => {
    relayDown = await startTestService({
      smtp: { ...testConfig().smtp, url: `smtp://127.0.0.1:${await closedPort()}` },
      worker: false,
    });
  });
  afterAll(async () => {
    await relayDown?.close();
  });

  it('runs no embedded SMTP server when SMTP_URL points at a relay', () => {
    expect(relayDown.smtp.embedded).toBeUndefined();
  });

  it('throws a retryable failure and records the error on the email; a later attempt sends it under the same Message-ID', async () => {
    const to = `${uniqueId('down')}@example.com`;
    const input = {
      messageKey: `down:${uniqueId('can')}`,
      to,
      template: 'CANCELLATION_CONFIRMED' as const,
      data: confirmationData(),
    };

    const failure = await failureOf(relayDown.activities.sendEmail(input));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('SMTP_SEND_FAILED');
    expect(failure.message).toContain(input.messageKey);

    const [failed] = (await emailsFor(to)).items;
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, sentAt: null });
    expect(failed!.error).toMatch(/ECONNREFUSED|connect/i);

    // The relay is back (the embedded server stands in for it): the retry sends the same message.
    const { messageId } = await service.activities.sendEmail(input);
    expect(messageId).toBe(failed!.messageId);
    const [sent] = (await emailsFor(to)).items;
    expect(sent).toMatchObject({ status: 'SENT', attempts: 2, error: null, messageId });
    expect((await mailboxFor(to)).items.map((m) => m.messageId)).toEqual([messageId]);
  });
});
