import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantToken, serviceToken, supportToken } from '@cancelflow/testing/tokens';
import type { RunningOrderService } from '../src/service.ts';
import { decryptSecret } from '../src/webhooks/secrets.ts';
import { DEVELOPMENT_WEBHOOK_SECRETS_KEY } from '../src/webhooks/settings.ts';
import { client, startTestService, unique } from './helpers.ts';

let service: RunningOrderService;

beforeAll(async () => {
  // Private addresses refused, as in production; a public receiver needs no DNS (an IP literal).
  service = await startTestService();
});
afterAll(async () => {
  await service?.close();
});

/** The fields these tests read of the subscription API's answers. */
interface WebhookAnswer {
  id: string;
  /** Only in the answer that creates the subscription. */
  secret: string;
  secretPrefix: string;
  disabledReason?: string;
  items: unknown[];
  error: { details: { path: string; message: string }[] };
}

const call = (token: string, method: string, path: string, body?: unknown) =>
  client(service, token).request<WebhookAnswer>(method, path, body);

const PUBLIC_URL = 'https://93.184.215.14/cancelflow/events';
const valid = { url: PUBLIC_URL, events: ['order.imported', 'cancellation.cancelled'] };

const subscribe = async (merchantId: string, body: unknown = valid) =>
  call(await merchantToken(merchantId), 'POST', '/webhook-subscriptions', body);

describe('a merchant subscribes a receiver to events; the secret is shown once', () => {
  it('creates the subscription with its secret in that answer only, kept encrypted', async () => {
    const merchantId = unique('m');
    const created = await subscribe(merchantId, { ...valid, description: 'ERP', email: 'integrations@merchant.example' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ merchantId, url: PUBLIC_URL, status: 'ACTIVE', events: valid.events });
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.secret.startsWith(created.body.secretPrefix)).toBe(true);

    const read = await call(await merchantToken(merchantId), 'GET', `/webhook-subscriptions/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    const [row] = await service.db.em
      .fork()
      .execute<{ secret_ciphertext: string }[]>(`select "secret_ciphertext" from "orders"."webhook_subscription" where "id" = ?`, [
        created.body.id,
      ]);
    expect(row!.secret_ciphertext).not.toContain(created.body.secret);
    expect(decryptSecret(DEVELOPMENT_WEBHOOK_SECRETS_KEY, row!.secret_ciphertext)).toBe(created.body.secret);
  });

  it.each([
    [{ events: ['order.imported'] }, 'url'],
    [{ ...valid, url: 'ftp://example.com/x' }, 'url'],
    [{ ...valid, url: 'https://user:pw@example.com/x' }, 'url'],
    [{ ...valid, url: 'not a url' }, 'url'],
    [{ url: PUBLIC_URL }, 'events'],
    [{ ...valid, events: [] }, 'events'],
    [{ ...valid, events: ['order.exploded'] }, 'events[0]'],
    [{ ...valid, events: ['order.imported', 'order.imported'] }, 'events'],
    [{ ...valid, email: 'nobody' }, 'email'],
    [{ ...valid, secret: 'mine' }, ''],
  ])('refuses %j with a 400 naming %s, writing nothing', async (body, path) => {
    const merchantId = unique('m');
    const answer = await subscribe(merchantId, body);
    expect(answer.status).toBe(400);
    if (path) expect(answer.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    const listed = await call(await merchantToken(merchantId), 'GET', '/webhook-subscriptions');
    expect(listed.body.items).toEqual([]);
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:a9fe:a9fe]/hook',
    'http://[fe80::1]/hook',
    'http://[fd00::5]/hook',
    'http://2130706433/hook',
    'http://0x7f.1/hook',
  ])('refuses a receiver at a private, loopback or link-local address (%s) unless development allows it', async (url) => {
    const answer = await subscribe(unique('m'), { ...valid, url });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details[0]).toMatchObject({ path: 'url', message: expect.stringContaining('public addresses only') });
  });

  it('only a merchant token creates one (it belongs to that merchant)', async () => {
    const answer = await call(await serviceToken(), 'POST', '/webhook-subscriptions', valid);
    expect(answer.status).toBe(403);
    const support = await call(await supportToken(), 'POST', '/webhook-subscriptions', valid);
    expect(support.status).toBe(403);
  });
});

describe('a merchant sees and changes only its own subscriptions', () => {
  it("another merchant's subscription is 404 on every route, and is not listed", async () => {
    const owner = unique('m');
    const intruder = await merchantToken(unique('m'));
    const { body } = await subscribe(owner);
    for (const [method, path, payload] of [
      ['GET', `/webhook-subscriptions/${body.id}`],
      ['PATCH', `/webhook-subscriptions/${body.id}`, { status: 'DISABLED' }],
      ['DELETE', `/webhook-subscriptions/${body.id}`],
      ['GET', `/webhook-subscriptions/${body.id}/deliveries`],
      ['POST', `/webhook-subscriptions/${body.id}/redeliveries`, { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' }],
    ] as const) {
      expect((await call(intruder, method, path, payload)).status, `${method} ${path}`).toBe(404);
    }
    expect((await call(intruder, 'GET', `/webhook-subscriptions?merchantId=${owner}`)).body.items).toEqual([]);
    expect((await call(await merchantToken(owner), 'GET', `/webhook-subscriptions/${body.id}`)).status).toBe(200);
  });

  it('disables, enables again, changes events; refuses bad changes with a 400', async () => {
    const merchantId = unique('m');
    const token = await merchantToken(merchantId);
    const { body } = await subscribe(merchantId);
    const disabled = await call(token, 'PATCH', `/webhook-subscriptions/${body.id}`, { status: 'DISABLED' });
    expect(disabled.body).toMatchObject({ status: 'DISABLED', disabledReason: expect.stringContaining('staff-of-') });
    const conflict = await call(token, 'POST', `/webhook-subscriptions/${body.id}/redeliveries`, {
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-02T00:00:00Z',
    });
    expect(conflict.status).toBe(409);
    const enabled = await call(token, 'PATCH', `/webhook-subscriptions/${body.id}`, { status: 'ACTIVE', events: ['shipment.recorded'] });
    expect(enabled.body).toMatchObject({ status: 'ACTIVE', events: ['shipment.recorded'] });
    expect(enabled.body.disabledReason).toBeUndefined();
    for (const bad of [{}, { status: 'PAUSED' }, { url: 'http://127.0.0.1/x' }, { events: [] }]) {
      expect((await call(token, 'PATCH', `/webhook-subscriptions/${body.id}`, bad)).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it('refuses redelivery requests that name neither one event nor a valid range', async () => {
    const merchantId = unique('m');
    const token = await merchantToken(merchantId);
    const { body } = await subscribe(merchantId);
    const path = `/webhook-subscriptions/${body.id}/redeliveries`;
    for (const bad of [
      {},
      { eventId: 'e-1' },
      { from: 'yesterday', to: '2026-12-02T00:00:00Z' },
      { from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' },
    ]) {
      expect((await call(token, 'POST', path, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await call(token, 'POST', path, { eventId: crypto.randomUUID() })).status).toBe(404);
    const none = await call(token, 'POST', path, { from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' });
    expect(none).toMatchObject({ status: 202, body: { deliveries: [] } });
    const log = await call(token, 'GET', `/webhook-subscriptions/${body.id}/deliveries?status=DELIVERED&limit=10`);
    expect(log.body).toMatchObject({ items: [], total: 0, limit: 10, offset: 0 });
    expect((await call(token, 'GET', `/webhook-subscriptions/${body.id}/deliveries?limit=0`)).status).toBe(400);
  });

  it('deletes a subscription', async () => {
    const merchantId = unique('m');
    const token = await merchantToken(merchantId);
    const { body } = await subscribe(merchantId);
    expect((await call(token, 'DELETE', `/webhook-subscriptions/${body.id}`)).status).toBe(200);
    expect((await call(token, 'GET', `/webhook-subscriptions/${body.id}`)).status).toBe(404);
  });
});
