// Outbound webhooks end to end: the whole system, and a real HTTP receiver on loopback that
// answers 500, then never answers, then closes the connection, then recovers.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookEventSchema, type WebhookDeliveryBody } from '@cancelflow/domain';
import { apiClient, cancelOrder, eventually, importOrder, unique, type ApiClient, type OrderBody } from '@cancelflow/testing';
import { merchantToken } from '@cancelflow/testing/tokens';
import { startSystem, type RunningSystem } from '@cancelflow/system';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver did with it. */
  answer: 'ACCEPTED' | 'FAILED';
}

/** A receiver whose first answers fail in each way a receiver fails, then accepts everything. */
function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const failures: ('500' | 'SILENT' | 'CLOSE')[] = ['500', 'SILENT', 'CLOSE'];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const failure = failures.shift();
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        answer: failure ? 'FAILED' : 'ACCEPTED',
      });
      if (failure === '500') return void res.writeHead(500).end('boom');
      if (failure === 'SILENT') return; // never answers: the sender's time limit ends it
      if (failure === 'CLOSE') return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server })),
  );
}

/** The README's verify helper, as a receiver writes it. */
function verify(secret: string, header: string, body: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(String(parts.v1), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

let system: RunningSystem;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const merchantId = unique('webhook-merchant');
let merchant: ApiClient;

beforeAll(async () => {
  receiver = await startReceiver();
  system = await startSystem({
    env: {
      WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_TIMEOUT: '1s',
      WEBHOOK_RETRY_FIRST: '200ms',
      WEBHOOK_RETRY_LONGEST: '1s',
      WEBHOOK_SWEEP_INTERVAL: '100ms',
    },
  });
  merchant = apiClient(system.orders.baseUrl, await merchantToken(merchantId));
});

afterAll(async () => {
  await system?.close();
  receiver?.server.closeAllConnections();
  receiver?.server.close();
});

const subscribe = async (path: string, events: string[]) => {
  const answer = await merchant.post<{ id: string; secret: string }>('/webhook-subscriptions', { url: `${receiver.url}${path}`, events });
  expect(answer.status).toBe(201);
  return answer.body;
};

const log = async (subscriptionId: string) =>
  (await merchant.get<{ items: WebhookDeliveryBody[] }>(`/webhook-subscriptions/${subscriptionId}/deliveries?limit=200`)).body.items;

const seqOf = async (eventIds: string[]) => {
  const rows = await system.sql<{ id: string; seq: string }>(
    `select "id", "seq" from "orders"."webhook_event" where "id" = any(?::uuid[])`,
    [`{${eventIds.join(',')}}`],
  );
  return new Map(rows.map((r) => [r.id, Number(r.seq)]));
};

describe('every event reaches each subscription once, in order per order, signed, however the receiver fails first', () => {
  it('delivers the events of orders, cancellations and shipments to every subscription that wants them', async () => {
    const all = await subscribe('/all', [
      'order.imported',
      'order.acknowledged',
      'cancellation.requested',
      'cancellation.in_progress',
      'cancellation.cancelled',
      'shipment.recorded',
    ]);
    const few = await subscribe('/few', ['order.imported', 'cancellation.cancelled']);

    const cancelled = await importOrder(system.orders, { merchantId });
    expect((await system.orders.post(`/orders/${cancelled.id}/acknowledge`, {})).status).toBe(200);
    const { cancellationId } = await cancelOrder(system.orders, cancelled);
    const shipped = await importOrder(system.orders, { merchantId });
    const shipment = await system.orders.post(`/orders/${shipped.id}/shipments`, {
      shipmentNumber: unique('S'),
      carrier: 'DHL',
      trackingNumber: unique('T'),
      lines: [{ lineId: shipped.lines[0]!.id, quantity: 1 }],
    });
    expect(shipment.status).toBe(201);
    await eventually(
      async () =>
        (await system.orders.get<{ status: string }>(`/cancellations/${cancellationId}`)).body.status === 'CANCELLED' ? true : undefined,
      { what: 'the cancellation to complete' },
    );

    const delivered = (items: WebhookDeliveryBody[], types: string[]) =>
      types.every((t) => items.some((d) => d.eventType === t && d.status === 'DELIVERED')) && items.every((d) => d.status === 'DELIVERED')
        ? items
        : undefined;
    const allLog = await eventually(async () => delivered(await log(all.id), ['cancellation.cancelled', 'shipment.recorded']), {
      what: 'every event delivered to the first subscription',
      timeoutMs: 45_000,
    });
    const fewLog = await eventually(async () => delivered(await log(few.id), ['cancellation.cancelled']), {
      what: 'every event delivered to the second subscription',
    });

    // What each subscription was sent: its types only, each event accepted exactly once.
    const accepted = (path: string) => receiver.received.filter((r) => r.path === path && r.answer === 'ACCEPTED');
    const acceptedIds = (path: string) => accepted(path).map((r) => JSON.parse(r.body).id as string);
    expect(acceptedIds('/all').sort()).toEqual(allLog.map((d) => d.eventId).sort());
    expect(new Set(acceptedIds('/all')).size).toBe(acceptedIds('/all').length);
    expect(acceptedIds('/few').sort()).toEqual(fewLog.map((d) => d.eventId).sort());
    expect(new Set(fewLog.map((d) => d.eventType))).toEqual(new Set(['order.imported', 'cancellation.cancelled']));
    const types = allLog.filter((d) => d.orderId === cancelled.id).map((d) => d.eventType);
    expect(new Set(types)).toEqual(
      new Set(['order.imported', 'order.acknowledged', 'cancellation.requested', 'cancellation.in_progress', 'cancellation.cancelled']),
    );
    expect(
      allLog
        .filter((d) => d.orderId === shipped.id)
        .map((d) => d.eventType)
        .sort(),
    ).toEqual(['order.imported', 'shipment.recorded']);

    // The receiver's failures were retried and are in the log.
    expect(receiver.received.filter((r) => r.answer === 'FAILED')).toHaveLength(3);
    const attempts = [...allLog, ...fewLog].reduce((sum, d) => sum + d.attempts, 0);
    expect(attempts).toBeGreaterThanOrEqual(allLog.length + fewLog.length + 2);

    // In order per order: no request ever carried an event of an order before an earlier one of that order was accepted.
    const seq = await seqOf(receiver.received.map((r) => JSON.parse(r.body).id));
    for (const path of ['/all', '/few']) {
      for (const order of [cancelled, shipped] as OrderBody[]) {
        const sent = receiver.received
          .filter((r) => r.path === path && JSON.parse(r.body).orderId === order.id)
          .map((r) => seq.get(JSON.parse(r.body).id)!);
        expect(sent, `${path} ${order.id}`).toEqual([...sent].sort((a, b) => a - b));
      }
    }

    // Signed, typed, with the event id as idempotency key, and the resource as its documented view.
    const secrets: Record<string, string> = { '/all': all.secret, '/few': few.secret };
    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(verify(secrets[r.path]!, String(r.headers['cancelflow-signature']), r.body)).toBe(true);
      expect(verify(secrets[r.path === '/all' ? '/few' : '/all']!, String(r.headers['cancelflow-signature']), r.body)).toBe(false);
      const event = webhookEventSchema.parse(JSON.parse(r.body));
      expect(r.headers['idempotency-key']).toBe(event.id);
      expect(r.headers['cancelflow-event']).toBe(event.type);
      expect(event).toMatchObject({ merchantId });
    }
    const done = accepted('/all')
      .map((r) => JSON.parse(r.body))
      .find((e) => e.type === 'cancellation.cancelled');
    expect(done.data).toMatchObject({ id: cancellationId, status: 'CANCELLED', orderId: cancelled.id });
  });

  it('sends one event again on request, with the same event id, and logs it as a redelivery', async () => {
    const sub = await subscribe('/again', ['order.imported']);
    const order = await importOrder(system.orders, { merchantId });
    const [first] = await eventually(
      async () => {
        const items = await log(sub.id);
        return items.length === 1 && items[0]!.status === 'DELIVERED' ? items : undefined;
      },
      { what: 'the import delivered' },
    );
    const asked = await merchant.post<{ deliveries: WebhookDeliveryBody[] }>(`/webhook-subscriptions/${sub.id}/redeliveries`, {
      eventId: first!.eventId,
    });
    expect(asked.status).toBe(202);
    expect(asked.body.deliveries).toEqual([expect.objectContaining({ eventId: first!.eventId, redelivery: true, status: 'PENDING' })]);
    await eventually(
      async () => {
        const items = await log(sub.id);
        return items.length === 2 && items.every((d) => d.status === 'DELIVERED') ? items : undefined;
      },
      { what: 'the redelivery delivered' },
    );
    const sent = receiver.received.filter((r) => r.path === '/again').map((r) => r.headers['idempotency-key']);
    expect(sent).toEqual([first!.eventId, first!.eventId]);
    expect(JSON.parse(receiver.received.filter((r) => r.path === '/again')[0]!.body).orderId).toBe(order.id);

    // A time range asks again for every event of the subscription's types in it.
    const range = await merchant.post<{ deliveries: WebhookDeliveryBody[] }>(`/webhook-subscriptions/${sub.id}/redeliveries`, {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date().toISOString(),
    });
    expect(range.status).toBe(202);
    expect(range.body.deliveries.map((d) => d.eventId)).toContain(first!.eventId);
    expect(range.body.deliveries.every((d) => d.eventType === 'order.imported')).toBe(true);
  });
});
