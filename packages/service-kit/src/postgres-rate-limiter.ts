import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { POOL_IDLE_MS } from './db.ts';

export interface RateLimiter {
  /** Takes one point for the key; when the key has none left, says how long to wait. */
  take(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
  close(): Promise<void>;
}

export interface PostgresRateLimiterSettings {
  url: string;
  /** The service's schema and a table its migrations created: (key varchar(255) primary key, points integer not null default 0, expire bigint). */
  schema: string;
  table: string;
  /** How many points a key has per window. */
  points: number;
  windowSeconds: number;
}

/**
 * A fixed-window limit counted in PostgreSQL, so every replica of a service shares it. While
 * the database cannot be reached each process counts in memory instead (the library's
 * insurance limiter): limits loosen per replica, nothing is refused for the outage's sake.
 */
export function postgresRateLimiter(settings: PostgresRateLimiterSettings): RateLimiter {
  const pool = new pg.Pool({ connectionString: settings.url, max: 2, idleTimeoutMillis: POOL_IDLE_MS });
  pool.on('error', () => undefined);
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    schemaName: settings.schema,
    tableName: settings.table,
    tableCreated: true,
    clearExpiredByTimeout: true,
    points: settings.points,
    duration: settings.windowSeconds,
    insuranceLimiter: new RateLimiterMemory({ points: settings.points, duration: settings.windowSeconds }),
  });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        }
        throw rejection;
      }
    },
    close: () => pool.end(),
  };
}
