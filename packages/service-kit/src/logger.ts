import { pino, type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './context.ts';

export type { Logger };

let first: Logger | undefined;

export const REDACTED = '[redacted]';

/**
 * Secrets never reach a log line: bearer tokens and cookies in request headers, the cookies a
 * response sets, the customers' link tokens (`?token=`) and the merchants' Merchant API keys
 * (`?apikey=`, `X-CE-KEY`), also as the parsed query.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-metrics-token"]',
  'req.query.token',
  'req.headers["x-ce-key"]',
  'req.query.apikey',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'token',
];

/** The URL with the value of every `token` and `apikey` query parameter replaced, for request logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&;](?:token|apikey)=)[^&#]*/gi, `$1${REDACTED}`);
}

/**
 * JSON lines in production; readable lines in development (LOG_FORMAT=pretty, or
 * NODE_ENV=development unless LOG_FORMAT=json), through pino-pretty. Every line carries the ids of
 * the request or activity it was written in (see context.ts).
 */
export function createLogger(service: string, destination?: DestinationStream): Logger {
  const format = process.env.LOG_FORMAT ?? (process.env.NODE_ENV === 'development' ? 'pretty' : 'json');
  const logger = pino(
    {
      name: service,
      level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
      mixin: () => currentLogContext(),
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      ...(format === 'pretty' && !destination ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
    },
    ...(destination ? [destination] : []),
  );
  first ??= logger;
  return logger;
}

/** The process's logger: the first one created (the service's), for process-wide output such as Temporal's. */
export function processLogger(): Logger {
  first ??= createLogger(process.env.SERVICE_NAME ?? 'cancelflow');
  return first;
}
