import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_AUTH_SECRET } from '@cancelflow/service-kit/secrets';
import { configFromEnv } from '../src/config.ts';
import { MAX_AMOUNT_MINOR } from '@cancelflow/domain';
import { serviceToken, supportToken } from '@cancelflow/testing/tokens';
import type { RunningPaymentService } from '../src/service.ts';
import { call, startTestService, uniqueId } from './helpers.ts';

let service: RunningPaymentService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service?.close());

const payment = (overrides: Record<string, unknown> = {}) => ({
  orderId: uniqueId('o'),
  method: 'CARD',
  amount: 1999,
  currency: 'EUR',
  reference: uniqueId('pay'),
  ...overrides,
});

/** Nothing was recorded for the order. */
async function nothingRecordedFor(orderId: string): Promise<void> {
  // The service knows no payments or refunds of the order: 404.
  const answer = await call(service, 'GET', `/orders/${encodeURIComponent(orderId)}/payments`);
  expect(answer.status).toBe(404);
}

describe('payment service: no bad input yields a 5xx, and nothing is written', () => {
  it('amounts past the realistic maximum (2^53-1 among them) are refused', async () => {
    for (const amount of [Number.MAX_SAFE_INTEGER, MAX_AMOUNT_MINOR + 1, 2 ** 60, 1e308]) {
      const input = payment({ amount });
      const answer = await call<{ error: { message: string } }>(service, 'POST', '/payments', input);
      expect(answer.status, String(amount)).toBe(400);
      expect(answer.body.error.message).toMatch(/amount/);
      await nothingRecordedFor(input.orderId);
    }
    expect((await call(service, 'POST', '/payments', payment({ amount: MAX_AMOUNT_MINOR }))).status).toBe(201);
  });

  it('NUL and lone surrogates in body strings and path ids are refused', async () => {
    for (const bad of ['\u0000', '\ud834', '\udd1e']) {
      const input = payment({ reference: `pay-${bad}` });
      const answer = await call(service, 'POST', '/payments', input);
      expect(answer.status).toBe(400);
      await nothingRecordedFor(input.orderId);
      expect((await call(service, 'POST', '/payments', payment({ orderId: `o-${bad}` }))).status).toBe(400);
    }
    expect((await call(service, 'GET', '/orders/o%00x/payments')).status).toBe(400);
    expect((await call(service, 'GET', '/refunds?cancellationId=c%00')).status).toBe(400);
  });

  it('malformed percent-encoding, a false gzip body and an over-limit body are 4xx', async () => {
    const token = await serviceToken();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await fetch(`${service.url}/refunds/%ZZ`, { headers: { authorization: `Bearer ${await supportToken()}` } })).status).toBe(400);
    const input = payment();
    expect(
      (
        await fetch(`${service.url}/payments`, {
          method: 'POST',
          headers: { ...headers, 'content-encoding': 'gzip' },
          body: JSON.stringify(input),
        })
      ).status,
    ).toBe(400);
    expect(
      (await fetch(`${service.url}/payments`, { method: 'POST', headers, body: JSON.stringify({ ...input, note: 'x'.repeat(1_100_000) }) }))
        .status,
    ).toBe(413);
    await nothingRecordedFor(input.orderId);
  });
});

describe('production secrets', () => {
  it('the configuration refuses the published development secrets and missing ones in production', () => {
    const env = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/c', AUTH_TOKEN_SECRET: DEVELOPMENT_AUTH_SECRET };
    expect(() => configFromEnv(env)).toThrow(/AUTH_TOKEN_SECRET: is a development secret published/);
    expect(() => configFromEnv({ ...env, AUTH_TOKEN_SECRET: undefined })).toThrow(/AUTH_TOKEN_SECRET: required in production/);
    expect(() => configFromEnv({ ...env, AUTH_TOKEN_SECRET: 'p'.repeat(40) })).not.toThrow();
  });
});
