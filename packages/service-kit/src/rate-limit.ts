/**
 * Rate limits, counted in PostgreSQL (rate-limiter-flexible's RateLimiterPostgres) so that they
 * hold across every replica of a service: per bearer token and per client IP on every API route,
 * and per key where a router asks for it (per order on the customers' links). Over the limit the
 * answer is 429 with Retry-After; every limited answer carries the IETF RateLimit-Policy and
 * RateLimit headers (draft-ietf-httpapi-ratelimit-headers: `"ip";q=6000;w=60` and
 * `"ip";r=5999;t=60`). The counters live in a table of the service's own schema
 * (rate_limit_<policy>), created on first start.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { Logger } from 'pino';
import { booleanFlag, ConfigError } from './config.ts';
import { HttpClientError } from './http-errors.ts';
import { PROBE_PATHS } from './health.ts';
import { POOL_IDLE_MS } from './db.ts';

export interface RateLimitSettings {
  /** RATE_LIMIT_ENABLED (default true): false turns every limit off. */
  enabled: boolean;
  /** RATE_LIMIT_WINDOW_SECONDS: the window every limit counts in. */
  windowSeconds: number;
  /** RATE_LIMIT_PER_TOKEN: requests per window with one bearer token. */
  perToken: number;
  /** RATE_LIMIT_PER_IP: requests per window from one client address. */
  perIp: number;
  /** RATE_LIMIT_PER_CUSTOMER_LINK: requests per window on one order's customer link. */
  perCustomerLink: number;
}

/**
 * Generous defaults: a person or an integration never meets them (1,000 requests a second per
 * token or address, 10 a second on one order's customer page); a flood does.
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  enabled: true,
  windowSeconds: 60,
  perToken: 60_000,
  perIp: 60_000,
  perCustomerLink: 600,
};

const count = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a whole number above 0` })
    .int(`${name} must be a whole number above 0`)
    .positive(`${name} must be a whole number above 0`);

const envSchema = z.object({
  RATE_LIMIT_ENABLED: booleanFlag('RATE_LIMIT_ENABLED').optional(),
  RATE_LIMIT_WINDOW_SECONDS: count('RATE_LIMIT_WINDOW_SECONDS').optional(),
  RATE_LIMIT_PER_TOKEN: count('RATE_LIMIT_PER_TOKEN').optional(),
  RATE_LIMIT_PER_IP: count('RATE_LIMIT_PER_IP').optional(),
  RATE_LIMIT_PER_CUSTOMER_LINK: count('RATE_LIMIT_PER_CUSTOMER_LINK').optional(),
});

/** The limits from RATE_LIMIT_* (documented in .env.example); unset ones keep their defaults. */
export function rateLimitSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitSettings {
  const present = Object.fromEntries(Object.entries(env).filter(([name, value]) => name.startsWith('RATE_LIMIT_') && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(`rate limits: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  const e = parsed.data;
  return {
    enabled: e.RATE_LIMIT_ENABLED ?? DEFAULT_RATE_LIMITS.enabled,
    windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS ?? DEFAULT_RATE_LIMITS.windowSeconds,
    perToken: e.RATE_LIMIT_PER_TOKEN ?? DEFAULT_RATE_LIMITS.perToken,
    perIp: e.RATE_LIMIT_PER_IP ?? DEFAULT_RATE_LIMITS.perIp,
    perCustomerLink: e.RATE_LIMIT_PER_CUSTOMER_LINK ?? DEFAULT_RATE_LIMITS.perCustomerLink,
  };
}

export interface RateLimitPolicy {
  /** Names the policy in the RateLimit headers and its table (rate_limit_<name>). */
  name: string;
  /** Requests per window. */
  limit: number;
  /** What the request is counted against; undefined: this policy does not count it. */
  keyOf(req: Request): string | undefined;
}

export interface RateLimits {
  readonly settings: RateLimitSettings;
  /** The limits every API route shares: per bearer token and per client address. */
  shell(): RequestHandler;
  /** A router's own limit, e.g. per order on the customer's links. */
  limit(policy: RateLimitPolicy): RequestHandler;
  close(): Promise<void>;
}

/**
 * A bearer token (or a customer's link token, or a Merchant API key: `X-CE-KEY`, `?apikey=`) is
 * counted by its hash: the counters table never holds a credential.
 */
const tokenKey = (req: Request): string | undefined => {
  const match = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '');
  const ceKey = req.headers['x-ce-key'];
  const token =
    match?.[1] ??
    (typeof req.query.token === 'string' ? req.query.token : undefined) ??
    (typeof ceKey === 'string' ? ceKey : undefined) ??
    (typeof req.query.apikey === 'string' ? req.query.apikey : undefined);
  return token ? createHash('sha256').update(token).digest('base64url').slice(0, 32) : undefined;
};

/**
 * The limits of one service, counted in its own PostgreSQL schema. With `enabled: false` every
 * middleware passes requests through and no connection is opened.
 */
export async function startRateLimits(options: {
  databaseUrl: string;
  schema: string;
  settings?: RateLimitSettings;
  logger?: Logger;
}): Promise<RateLimits> {
  const settings = options.settings ?? DEFAULT_RATE_LIMITS;
  const pass: RequestHandler = (_req, _res, next) => next();
  if (!settings.enabled) {
    return { settings, shell: () => pass, limit: () => pass, close: async () => {} };
  }
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, idleTimeoutMillis: POOL_IDLE_MS });
  pool.on('error', (err) => options.logger?.warn({ err }, 'rate limits: a database connection failed'));
  await pool.query(`create schema if not exists "${options.schema}"`);
  const limiters: RateLimiterPostgres[] = [];

  const counter = async (policy: RateLimitPolicy): Promise<RateLimiterPostgres> => {
    const limiter = await new Promise<RateLimiterPostgres>((resolve, reject) => {
      const created: RateLimiterPostgres = new RateLimiterPostgres(
        {
          storeClient: pool,
          storeType: 'pool',
          schemaName: options.schema,
          tableName: `rate_limit_${policy.name.replace(/\W/g, '_')}`,
          keyPrefix: policy.name,
          points: policy.limit,
          duration: settings.windowSeconds,
          // Once a key is over its limit, refuse it from memory until the window ends.
          inMemoryBlockOnConsumed: policy.limit + 1,
          // The database unreachable for a moment: count in this process meanwhile.
          insuranceLimiter: new RateLimiterMemory({ keyPrefix: policy.name, points: policy.limit, duration: settings.windowSeconds }),
        },
        (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(created)),
      );
    });
    limiters.push(limiter);
    return limiter;
  };

  const middleware =
    (policies: RateLimitPolicy[], counters: Promise<RateLimiterPostgres[]>): RequestHandler =>
    async (req, res, next) => {
      if (PROBE_PATHS.has(req.path)) return next();
      const ready = await counters;
      // The counters are asked at once: one round trip to the database, whatever their number.
      const asked = await Promise.all(
        policies.map(async (policy, i) => {
          const key = policy.keyOf(req);
          if (key === undefined) return undefined;
          try {
            return { policy, state: await ready[i]!.consume(key), refused: false };
          } catch (outcome) {
            if (!(outcome instanceof RateLimiterRes)) throw outcome;
            return { policy, state: outcome, refused: true };
          }
        }),
      );
      const states = asked.filter((s) => s !== undefined);
      if (states.length === 0) return next();
      const seconds = (state: RateLimiterRes) => Math.max(1, Math.ceil(state.msBeforeNext / 1000));
      const label = (policy: RateLimitPolicy) => `"${policy.name}"`;
      appendHeader(
        res,
        'RateLimit-Policy',
        states.map(({ policy }) => `${label(policy)};q=${policy.limit};w=${settings.windowSeconds}`).join(', '),
      );
      appendHeader(
        res,
        'RateLimit',
        states.map(({ policy, state }) => `${label(policy)};r=${state.remainingPoints};t=${seconds(state)}`).join(', '),
      );
      const refused = states.filter((s) => s.refused);
      if (refused.length === 0) return next();
      const wait = Math.max(...refused.map((s) => seconds(s.state)));
      res.setHeader('Retry-After', String(wait));
      const names = refused.map((s) => s.policy.name).join(', ');
      throw new HttpClientError(
        429,
        'RATE_LIMITED',
        `too many requests (${names}: at most ${refused[0]!.policy.limit} per ${settings.windowSeconds} s): try again in ${wait} s`,
      );
    };

  const shellPolicies: RateLimitPolicy[] = [
    { name: 'ip', limit: settings.perIp, keyOf: (req) => req.ip ?? req.socket.remoteAddress ?? 'unknown' },
    { name: 'token', limit: settings.perToken, keyOf: tokenKey },
  ];
  const shellCounters = Promise.all(shellPolicies.map(counter));
  await shellCounters;

  return {
    settings,
    shell: () => middleware(shellPolicies, shellCounters),
    limit: (policy) => {
      const counters = Promise.all([counter(policy)]);
      // A failure to create the table shows on the first request, as a 500 that is logged.
      counters.catch(() => {});
      return middleware([policy], counters);
    },
    close: async () => {
      await pool.end();
    },
  };
}

/** Adds to a header another service-kit middleware may already have set. */
function appendHeader(
  res: { getHeader(name: string): unknown; setHeader(name: string, value: string): unknown },
  name: string,
  value: string,
): void {
  const before = res.getHeader(name);
  res.setHeader(name, typeof before === 'string' && before ? `${before}, ${value}` : value);
}
