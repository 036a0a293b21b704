import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError,
  duration,
  durationMs,
  loadConfig,
  milliseconds,
  serviceConfig,
  serviceEnv,
  workerSettingsFromEnv,
} from '../src/config.ts';

const DATABASE_URL = 'postgres://u:p@127.0.0.1:5432/db';
const service = (env: NodeJS.ProcessEnv) => serviceConfig(loadConfig('svc', z.object(serviceEnv(3009)), env));

describe('the common configuration', () => {
  it('fails at start naming the bad variable', () => {
    const schema = z.object({ PORT: z.coerce.number({ error: 'must be a port number' }).int().default(3000) });
    expect(() => loadConfig('svc', schema, { PORT: 'eighty' })).toThrow(
      new ConfigError('svc configuration is invalid: PORT: must be a port number'),
    );
  });

  it('every service reads PORT, HOST, DATABASE_URL, TEMPORAL_* and WORKER_ENABLED the same way, with its own default port', () => {
    expect(service({ DATABASE_URL })).toEqual({
      port: 3009,
      host: '127.0.0.1',
      databaseUrl: DATABASE_URL,
      temporal: { address: '127.0.0.1:7233', namespace: 'default' },
      worker: true,
    });
    expect(
      service({
        DATABASE_URL,
        PORT: '0',
        HOST: '0.0.0.0',
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_NAMESPACE: 'shop',
        WORKER_ENABLED: 'no',
      }),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      databaseUrl: DATABASE_URL,
      temporal: { address: 'temporal:7233', namespace: 'shop' },
      worker: false,
    });
  });

  it('names every bad variable at once', () => {
    expect(() =>
      service({ PORT: '70000', WORKER_ENABLED: 'maybe', SHUTDOWN_GRACE_MS: '-1', TEMPORAL_METRICS_BIND_ADDRESS: 'nowhere' }),
    ).toThrow(
      /SHUTDOWN_GRACE_MS must be a whole number of milliseconds.*TEMPORAL_METRICS_BIND_ADDRESS must be host:port.*PORT must be between 0 and 65535.*DATABASE_URL is required.*WORKER_ENABLED must be true or false/,
    );
  });

  it('WORKER_ENABLED is the one worker switch: the retired per-service names stop the start instead of being ignored', () => {
    expect(() => service({ DATABASE_URL, ORDER_WORKER: 'false' })).toThrow(/ORDER_WORKER is no longer read: set WORKER_ENABLED instead/);
    expect(() => service({ DATABASE_URL, WORKER_ENABLED: 'true', PAYMENTS_WORKER: 'false' })).toThrow(
      /PAYMENTS_WORKER is no longer read: set WORKER_ENABLED instead/,
    );
  });

  it('one duration format, refused naming the variable', () => {
    const schema = z.object({ REMINDER: duration('REMINDER').default('4h'), TIMEOUT_MS: milliseconds('TIMEOUT_MS', 1).default(1000) });
    const read = (env: NodeJS.ProcessEnv) => loadConfig('svc', schema, env);
    expect(read({})).toEqual({ REMINDER: '4h', TIMEOUT_MS: 1000 });
    for (const [value, ms] of [
      ['500ms', 500],
      ['30s', 30_000],
      ['10 minutes', 600_000],
      ['2d', 172_800_000],
    ] as const) {
      expect(durationMs(read({ REMINDER: value }).REMINDER)).toBe(ms);
    }
    expect(() => read({ REMINDER: 'soon' })).toThrow(/REMINDER must be a duration such as 30s, 10m or 4h/);
    expect(() => read({ REMINDER: '4 weeks' })).toThrow(/REMINDER must be a duration/);
    expect(() => read({ TIMEOUT_MS: '0' })).toThrow(/TIMEOUT_MS must be a whole number of milliseconds above 0/);
    expect(() => read({ TIMEOUT_MS: '1.5' })).toThrow(/TIMEOUT_MS must be a whole number of milliseconds/);
  });

  it('a process that is only a worker reads the Temporal settings and nothing it does not need', () => {
    expect(workerSettingsFromEnv('workflows', {})).toEqual({ address: '127.0.0.1:7233', namespace: 'default' });
    expect(() => workerSettingsFromEnv('workflows', { TEMPORAL_NAMESPACE: '' })).toThrow(/TEMPORAL_NAMESPACE must name a namespace/);
  });
});
