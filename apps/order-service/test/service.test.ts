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
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://x', PORT: '3001' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => configFromEnv({ DATABASE_URL: 'postgres://x', PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => configFromEnv({})).toThrow(/DATABASE_URL/);
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
