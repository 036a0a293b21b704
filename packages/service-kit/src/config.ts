import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { z } from 'zod';

/**
 * Reads a process's configuration from environment variables with a zod schema. A bad or missing
 * variable stops the start with one line per variable: `PORT must be a port number`. A variable
 * this codebase no longer reads (RETIRED_VARIABLES) stops it too, so it is not silently ignored.
 */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const retired = Object.entries(RETIRED_VARIABLES)
    .filter(([name]) => env[name] !== undefined)
    .map(([name, instead]) => `${name} is no longer read: ${instead}`);
  const result = schema.safeParse(env);
  const problems = [
    ...retired,
    ...(result.success
      ? []
      : result.error.issues.map((issue) => {
          const name = issue.path.join('.');
          return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
        })),
  ];
  if (problems.length > 0) throw new ConfigError(`${service} configuration is invalid: ${problems.join('; ')}`);
  return (result as { data: z.output<S> }).data;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Names that once chose a service's worker, one per service. WORKER_ENABLED is the one name now;
 * a deployment still setting an old one would otherwise run a worker it meant to switch off.
 */
export const RETIRED_VARIABLES: Record<string, string> = {
  ORDER_WORKER: 'set WORKER_ENABLED instead',
  PAYMENTS_WORKER: 'set WORKER_ENABLED instead',
};

/** "true"/"false" (also 1/0, yes/no), for switches such as WORKER_ENABLED. */
export const booleanFlag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name} must be true or false` })
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** The one duration format: a whole number and a unit, as Temporal reads it (500ms, 30s, 10m, 4h, 7d). */
export const DURATION_PATTERN = /^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/;

/** A duration variable such as REQUEST_REMINDER_INTERVAL=4h, refused with `<name> must be a duration such as 30s, 10m or 4h`. */
export const duration = (name: string) =>
  z
    .string({ error: `${name} must be a duration such as 30s, 10m or 4h` })
    .trim()
    .regex(DURATION_PATTERN, `${name} must be a duration such as 30s, 10m or 4h`)
    .transform((value) => value as Duration);

/** Milliseconds of a duration read with `duration`. */
export const durationMs = (value: Duration): number => msToNumber(value);

/** A variable in whole milliseconds (SHUTDOWN_GRACE_MS=10000), at least `min`. */
export const milliseconds = (name: string, min = 0) =>
  z.coerce
    .number({ error: `${name} must be a whole number of milliseconds` })
    .int(`${name} must be a whole number of milliseconds`)
    .min(min, min > 0 ? `${name} must be a whole number of milliseconds above 0` : `${name} must be a whole number of milliseconds`);

/** A TCP port, 0 = any free one. */
export const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole port number`)
    .min(0, `${name} must be between 0 and 65535 (0 = any free port)`)
    .max(65535, `${name} must be between 0 and 65535 (0 = any free port)`);

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** What every process reads: logging, tracing, the shutdown grace. */
export const processEnv = {
  /** How long in-flight requests and activities get to finish on SIGTERM before the process stops anyway. */
  SHUTDOWN_GRACE_MS: milliseconds('SHUTDOWN_GRACE_MS').default(10_000),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
    })
    .optional(),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(
    emptyAsUndefined,
    z.url({ error: 'OTEL_EXPORTER_OTLP_ENDPOINT must be a URL such as http://collector:4318' }).optional(),
  ),
};

/** What every process that talks to Temporal reads. */
export const temporalEnv = {
  TEMPORAL_ADDRESS: z.string().trim().min(1, 'TEMPORAL_ADDRESS must be host:port, e.g. 127.0.0.1:7233').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().trim().min(1, 'TEMPORAL_NAMESPACE must name a namespace, e.g. default').default('default'),
  TEMPORAL_METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'TEMPORAL_METRICS_BIND_ADDRESS must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
};

/** Where a process serves HTTP; each has its own default port. */
export const httpEnv = (defaultPort: number) => ({
  PORT: port('PORT').default(defaultPort),
  HOST: z.string().trim().min(1, 'HOST must be an address to listen on, e.g. 127.0.0.1 or 0.0.0.0').default('127.0.0.1'),
});

/** Everything a service (HTTP API, database, a worker of its own task queue) reads before its own settings. */
export const serviceEnv = (defaultPort: number) => ({
  ...processEnv,
  ...temporalEnv,
  ...httpEnv(defaultPort),
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required: postgres://user:password@host:port/database' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
  DATABASE_POOL_MAX: z.coerce
    .number({ error: 'DATABASE_POOL_MAX must be a number of connections' })
    .int('DATABASE_POOL_MAX must be a whole number of connections')
    .min(1, 'DATABASE_POOL_MAX must be at least 1')
    .optional(),
  DATABASE_DEBUG: booleanFlag('DATABASE_DEBUG').optional(),
  /** Run this service's worker in the same process (default); false: HTTP only, another process runs it. */
  WORKER_ENABLED: booleanFlag('WORKER_ENABLED').default(true),
});

export interface TemporalSettings {
  address: string;
  namespace: string;
}

/** The settings every service starts with, whatever else it reads. */
export interface ServiceConfig {
  port: number;
  host: string;
  databaseUrl: string;
  temporal: TemporalSettings;
  /** Start the worker of the service's task queue beside the HTTP API. */
  worker: boolean;
}

type TemporalEnv = z.output<z.ZodObject<typeof temporalEnv>>;
type ServiceEnv = z.output<z.ZodObject<ReturnType<typeof serviceEnv>>>;

export const temporalSettings = (e: TemporalEnv): TemporalSettings => ({ address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE });

export const serviceConfig = (e: ServiceEnv): ServiceConfig => ({
  port: e.PORT,
  host: e.HOST,
  databaseUrl: e.DATABASE_URL,
  temporal: temporalSettings(e),
  worker: e.WORKER_ENABLED,
});

/** For a process that is only a Temporal worker (no HTTP, no database): the common settings it reads. */
export function workerSettingsFromEnv(service: string, env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  return temporalSettings(loadConfig(service, z.object({ ...processEnv, ...temporalEnv }), env));
}
