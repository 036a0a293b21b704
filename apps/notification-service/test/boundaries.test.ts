import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_AUTH_SECRET } from '@cancelflow/service-kit/secrets';
import { configFromEnv } from '../src/config.ts';
import { supportToken } from '@cancelflow/testing/tokens';
import type { RunningNotificationService } from '../src/service.ts';
import { startTestService } from './helpers.ts';

let service: RunningNotificationService;
let token: string;
beforeAll(async () => {
  service = await startTestService({ metricsToken: 'metrics-token-of-the-notification-boundaries-test' });
  token = await supportToken();
});
afterAll(() => service?.close());

const get = (path: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
  fetch(`${service.url}${path}`, { headers });

describe('notification service boundaries', () => {
  it('NUL characters in query strings and malformed percent-encoding in paths are 400, not 500', async () => {
    for (const path of ['/emails?orderId=o%00', '/mailbox?messageId=%3Ca%00b%3E', '/emails/%ZZ', '/mailbox/%E0%A4%A']) {
      const answer = await get(path);
      expect(answer.status, path).toBe(400);
      expect((await answer.json()) as unknown).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    }
  });

  it('security headers on every answer; /metrics only with its token', async () => {
    const answer = await get('/emails?limit=1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', { authorization: 'Bearer metrics-token-of-the-notification-boundaries-test' })).status).toBe(200);
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
