import { pino, type DestinationStream, type Logger } from 'pino';
import { currentLogContext } from './context.ts';

export type { Logger };

let first: Logger | undefined;

/**
 * JSON lines in production; readable lines in development (LOG_FORMAT=pretty, or
 * NODE_ENV=development unless LOG_FORMAT=json), through pino-pretty. Every line carries the ids of
 * the request or activity it was written in (see context.ts).
 */
export function createLogger(service: string, destination?: DestinationStream): Logger {
  const format = process.env.LOG_FORMAT ?? (process.env.NODE_ENV === 'development' ? 'pretty' : 'json');
  const logger = pino({
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    mixin: () => currentLogContext(),
    ...(format === 'pretty' && !destination ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  }, ...(destination ? [destination] : []));
  first ??= logger;
  return logger;
}

/** The process's logger: the first one created (the service's), for process-wide output such as Temporal's. */
export function processLogger(): Logger {
  first ??= createLogger(process.env.SERVICE_NAME ?? 'cancelflow');
  return first;
}
