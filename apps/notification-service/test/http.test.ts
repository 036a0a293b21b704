import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNotificationService } from '../src/service.ts';
import {
  confirmationData,
  getJson,
  startTestService,
  uniqueId,
  type EmailView,
  type ErrorView,
  type ListOf,
  type MailboxView,
} from './helpers.ts';

let service: RunningNotificationService;
let sent: { orderId: string; to: string; messageId: string };

beforeAll(async () => {
  service = await startTestService({ worker: false });
  const orderId = uniqueId('order');
  const to = `${uniqueId('Http.Customer')}@Example.com`;
  const { messageId } = await service.activities.sendEmail({
    messageKey: `http:${uniqueId('can')}`,
    to,
    template: 'CANCELLATION_CONFIRMED',
    data: confirmationData(),
    orderId,
  });
  sent = { orderId, to, messageId };
});
afterAll(async () => {
  await service?.close();
});

describe('GET /emails', () => {
  it('lists the emails sent for an order', async () => {
    const { status, body } = await getJson<ListOf<EmailView>>(`${service.url}/emails?orderId=${sent.orderId}`);
    expect(status).toBe(200);
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({ orderId: sent.orderId, to: sent.to, status: 'SENT', messageId: sent.messageId });
  });

  it('filters by template, and refuses a template that does not exist, naming the ones that do', async () => {
    const confirmed = await getJson<ListOf<EmailView>>(`${service.url}/emails?orderId=${sent.orderId}&template=CANCELLATION_CONFIRMED`);
    expect(confirmed.body.items.map((e) => e.messageId)).toEqual([sent.messageId]);
    const other = await getJson<ListOf<EmailView>>(`${service.url}/emails?orderId=${sent.orderId}&template=PAYMENT_REQUEST`);
    expect(other.body.total).toBe(0);
    const unknown = await getJson<ErrorView>(`${service.url}/emails?template=NOPE`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/^query is invalid: template: must be one of CANCELLATION_CONFIRMED, /);
  });

  it('finds emails by recipient whatever the case of the address', async () => {
    const { body } = await getJson<ListOf<EmailView>>(`${service.url}/emails?to=${encodeURIComponent(sent.to.toLowerCase())}`);
    expect(body.items.map((e) => e.messageId)).toEqual([sent.messageId]);
  });

  it('shows one email by id, and 404 for an id that does not exist', async () => {
    const { body: list } = await getJson<ListOf<EmailView>>(`${service.url}/emails?orderId=${sent.orderId}`);
    const { status, body } = await getJson<EmailView>(`${service.url}/emails/${list.items[0]!.id}`);
    expect(status).toBe(200);
    expect(body.html).toContain('WEB-10042');

    const missing = await getJson<ErrorView>(`${service.url}/emails/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('GET /emails');
  });

  it.each([
    ['a recipient that is not an email address', '?to=jane', 'to: must be an email address'],
    ['an empty order id', '?orderId=', 'orderId: cannot be empty'],
    ['an order id given twice', '?orderId=a&orderId=b', 'orderId: must be given once'],
    ['an unknown status', '?status=DELIVERED', 'status: must be PENDING, SENT or FAILED'],
    ['a limit that is not a number', '?limit=lots', 'limit'],
    ['a limit above 200', '?limit=500', 'limit'],
    ['an unknown parameter', '?order=1', 'unknown query parameter(s) order'],
  ])('answers 400 for %s', async (_what, query, message) => {
    const { status, body } = await getJson<ErrorView>(`${service.url}/emails${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toContain(message);
  });

  it('answers 400 for an email id that is not a UUID', async () => {
    const { status, body } = await getJson<ErrorView>(`${service.url}/emails/42`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('email id must be a UUID');
  });
});

describe('GET /mailbox', () => {
  it('finds a received message by Message-ID, with or without angle brackets, and shows it whole by id', async () => {
    const bare = sent.messageId.slice(1, -1);
    for (const messageId of [sent.messageId, bare]) {
      const { status, body } = await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?messageId=${encodeURIComponent(messageId)}`);
      expect(status).toBe(200);
      expect(body.items.map((m) => m.messageId)).toEqual([sent.messageId]);
      expect(body.items[0]!.raw).toBeUndefined();
    }
    const { body: list } = await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?to=${encodeURIComponent(sent.to)}`);
    const { status, body } = await getJson<MailboxView>(`${service.url}/mailbox/${list.items[0]!.id}`);
    expect(status).toBe(200);
    expect(body.to).toEqual([sent.to.toLowerCase()]);
    expect(body.raw).toContain(`Message-ID: ${sent.messageId}`);
  });

  it('answers an empty list when nothing replied to a message', async () => {
    const { status, body } = await getJson<ListOf<MailboxView>>(`${service.url}/mailbox?inReplyTo=${encodeURIComponent(sent.messageId)}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ items: [], total: 0 });
  });

  it('answers 404 for a received message that does not exist', async () => {
    const { status } = await getJson<ErrorView>(`${service.url}/mailbox/${randomUUID()}`);
    expect(status).toBe(404);
  });

  it.each([
    ['a recipient that is not an email address', '?to=@example.com', 'to: must be an email address'],
    ['a Message-ID too short to be one', '?messageId=x', 'messageId: must be a Message-ID'],
    ['an In-Reply-To given twice', '?inReplyTo=<a@b>&inReplyTo=<c@d>', 'inReplyTo: must be given once'],
    ['a negative offset', '?offset=-1', 'offset'],
    ['an unknown parameter', '?from=jane@example.com', 'unknown query parameter(s) from'],
  ])('answers 400 for %s', async (_what, query, message) => {
    const { status, body } = await getJson<ErrorView>(`${service.url}/mailbox${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toContain(message);
  });

  it('answers 400 for a mailbox message id that is not a UUID', async () => {
    const { status, body } = await getJson<ErrorView>(`${service.url}/mailbox/not-a-uuid`);
    expect(status).toBe(400);
    expect(body.error.message).toContain('mailbox message id must be a UUID');
  });
});
