import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';
import { client, startTestService } from './helpers.ts';

describe('configuration', () => {
  it('reads the environment with defaults: port 3001, worker on', () => {
    const config = configFromEnv({ DATABASE_URL: 'postgres://u:p@localhost:5432/db' });
    expect(config).toMatchObject({
      port: 3001,
      worker: true,
      temporal: { address: '127.0.0.1:7233', namespace: 'default' },
    });
  });

  it('fails naming the bad variable', () => {
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://x', PORT: '3001' })).toThrow(/DATABASE_URL must be a postgres:\/\/ URL/);
    expect(() => configFromEnv({ DATABASE_URL: 'postgres://x', PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => configFromEnv({})).toThrow(/DATABASE_URL/);
    expect(() => configFromEnv({ DATABASE_URL: 'postgres://x', UNDO_PAYMENT_DEADLINE: 'a week' })).toThrow(
      /UNDO_PAYMENT_DEADLINE must be a duration such as 30s, 10m or 4h/,
    );
    expect(() => configFromEnv({ DATABASE_URL: 'postgres://x', ORDER_WORKER: 'false' })).toThrow(
      /ORDER_WORKER is no longer read: set WORKER_ENABLED/,
    );
  });

  it('reads the durations of the processes in one format, as Temporal takes them', () => {
    const config = configFromEnv({
      DATABASE_URL: 'postgres://x',
      WORKER_ENABLED: 'false',
      SELF_SERVICE_TOKEN_TTL: '2h',
      ORDER_CONFIRMATION_RETRY_AFTER: '500ms',
    });
    expect(config.worker).toBe(false);
    expect(config.requestProcess).toMatchObject({ reminderInterval: '4h', escalateAfter: '48h' });
    expect(config.selfService).toMatchObject({ ttlSeconds: 7200, maxAgeSeconds: 7200 });
    expect(config.orderConfirmationRetryAfterMs).toBe(500);
  });
});

describe('startService', () => {
  it('starts the HTTP API and the worker of the orders task queue, and stops cleanly', async () => {
    const service = await startTestService({}, { worker: true });
    try {
      const health = await client(service).get('/healthz');
      expect(health.status).toBe(200);
      const unknown = await client(service).get('/nowhere');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toMatch(/no route GET \/nowhere/);
    } finally {
      await service.close();
    }
  });
});
