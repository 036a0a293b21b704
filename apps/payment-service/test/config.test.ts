import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../src/config.ts';

const DATABASE_URL = 'postgres://u:p@127.0.0.1:5432/db';

describe('configuration', () => {
  it('reads the common settings and its own with defaults: port 3002, worker on', () => {
    expect(configFromEnv({ DATABASE_URL })).toMatchObject({
      port: 3002,
      host: '127.0.0.1',
      databaseUrl: DATABASE_URL,
      temporal: { address: '127.0.0.1:7233', namespace: 'default' },
      worker: true,
      sandboxCardSettleMs: 300,
      sandboxSweepMs: 1000,
      expectedWait: { cardRefundMs: 3_600_000, bankDepositMs: 432_000_000 },
    });
    expect(configFromEnv({ DATABASE_URL, WORKER_ENABLED: 'false' }).worker).toBe(false);
    expect(configFromEnv({ DATABASE_URL }).sandboxOutages).toBe(false);
    expect(configFromEnv({ DATABASE_URL, SANDBOX_OUTAGES: 'true' }).sandboxOutages).toBe(true);
  });

  it('fails naming every bad variable; the retired PAYMENTS_WORKER is refused, not ignored', () => {
    expect(() => configFromEnv({ DATABASE_URL: 'mysql://x', SANDBOX_SWEEP_MS: '0', PORT: 'eighty' })).toThrow(
      /PORT must be a port number.*DATABASE_URL must be a postgres:\/\/ URL.*SANDBOX_SWEEP_MS must be a whole number of milliseconds above 0/,
    );
    expect(() => configFromEnv({ DATABASE_URL, PAYMENTS_WORKER: 'false' })).toThrow(
      /PAYMENTS_WORKER is no longer read: set WORKER_ENABLED/,
    );
  });
});
