import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines in production; readable lines in development when pino-pretty is installed. */
export function createLogger(service: string): Logger {
  const pretty = process.env.LOG_FORMAT === 'pretty';
  return pino({
    name: service,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
    ...(pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  });
}
