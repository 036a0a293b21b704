import type { Logger } from 'pino';
import { ConfigError } from './config.ts';

export interface Stoppable {
  close(): Promise<void>;
}

/**
 * Runs a service until SIGTERM or SIGINT, the one way every main.ts starts and stops:
 *  - a configuration error prints its message (no stack) and exits 1;
 *  - on the signal, service.close() stops taking requests, lets in-flight requests and
 *    activities finish, shuts the worker down and closes the database;
 *  - if that takes longer than SHUTDOWN_GRACE_MS (+ 5 s for the closing itself), the process exits 1.
 */
export async function runService<S extends Stoppable>(options: {
  name: string;
  logger: Logger;
  start: () => Promise<S>;
  /** Printed once started, e.g. the URL. */
  started?: (service: S) => string;
  graceMs?: number;
}): Promise<S | undefined> {
  const { name, logger } = options;
  let service: S;
  try {
    service = await options.start();
  } catch (error) {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else logger.fatal({ err: error }, `${name} could not start`);
    process.exitCode = 1;
    return undefined;
  }
  if (options.started) process.stdout.write(`${options.started(service)}\n`);
  const graceMs = options.graceMs ?? Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, `${name}: second signal, stopping now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs }, `${name} shutting down: no new requests, waiting for the running ones`);
    const deadline = setTimeout(() => {
      logger.error({ graceMs }, `${name} did not stop within the grace period; exiting`);
      process.exit(1);
    }, graceMs + 5_000);
    deadline.unref();
    service.close().then(
      () => {
        logger.info(`${name} stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, `${name} did not close cleanly`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  return service;
}
