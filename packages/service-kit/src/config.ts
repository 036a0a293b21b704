import { z } from 'zod';

/**
 * Reads a service's configuration from environment variables with a zod schema. A bad or missing
 * variable stops the start with one line per variable: `PORT: must be a port number`.
 */
export function loadConfig<S extends z.ZodType>(service: string, schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
  });
  throw new ConfigError(`${service} configuration is invalid: ${problems.join('; ')}`);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** "true"/"false" (also 1/0, yes/no), for switches such as WORKER_ENABLED. */
export const booleanFlag = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name} must be true or false` })
    .transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Whether this process runs its service's worker: WORKER_ENABLED, the one name for every service.
 * The older per-service names (ORDER_WORKER, PAYMENTS_WORKER) are still read when it is not set.
 */
export function workerEnabled(env: NodeJS.ProcessEnv, legacyName?: string): boolean {
  const value = env.WORKER_ENABLED ?? (legacyName ? env[legacyName] : undefined) ?? 'true';
  const parsed = booleanFlag(env.WORKER_ENABLED !== undefined || !legacyName ? 'WORKER_ENABLED' : legacyName).safeParse(value);
  if (!parsed.success) throw new ConfigError(parsed.error.issues[0]!.message);
  return parsed.data;
}

/** Variables every service reads (through service-kit), documented in .env.example. */
export const commonEnv = {
  /** How long in-flight requests and activities get to finish on SIGTERM before the process stops anyway. */
  SHUTDOWN_GRACE_MS: z.coerce
    .number({ error: 'SHUTDOWN_GRACE_MS must be a whole number of milliseconds' })
    .int('SHUTDOWN_GRACE_MS must be a whole number of milliseconds')
    .min(0, 'SHUTDOWN_GRACE_MS must be a whole number of milliseconds')
    .default(10_000),
  LOG_LEVEL: z
    .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], {
      error: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent',
    })
    .optional(),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.url({ error: 'OTEL_EXPORTER_OTLP_ENDPOINT must be a URL such as http://collector:4318' }).optional(),
  ),
  TEMPORAL_METRICS_BIND_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'TEMPORAL_METRICS_BIND_ADDRESS must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
};
