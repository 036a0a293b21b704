// Vitest global setup: ONE Temporal dev server and ONE PostgreSQL for the whole run (or the
// ones TEMPORAL_ADDRESS / DATABASE_URL point at), each service's migrations run once, and
// their addresses handed to test files through inject('temporalAddress' | 'databaseUrl')
// and through process.env, which the test forks inherit.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startPostgres, type Postgres } from './postgres.ts';
import { repoRoot } from './repo.ts';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the Temporal frontend. */
    temporalAddress: string;
    /** Temporal namespace the tests use. */
    temporalNamespace: string;
    /** postgres://… of the `cancelflow` database, migrations applied. */
    databaseUrl: string;
  }
}

/** Services that own a schema, in the order their migrations run. */
const MIGRATING_SERVICES = ['order-service', 'payment-service', 'notification-service'];

const log = (message: string) => process.stderr.write(`[test infra] ${message}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let temporal: TemporalDevServer | undefined;
  let postgres: Postgres | undefined;

  const temporalAddress = process.env.TEMPORAL_ADDRESS;
  const [temporalResult, postgresResult] = await Promise.allSettled([
    temporalAddress ? Promise.resolve(undefined) : startTemporalDevServer({ uiPort: false, log: (line) => log(`temporal: ${line}`) }),
    startPostgres({ log: (line) => log(`postgres: ${line}`) }),
  ]);
  if (temporalResult.status === 'fulfilled') temporal = temporalResult.value;
  if (postgresResult.status === 'fulfilled') postgres = postgresResult.value;
  const teardown = async () => {
    await temporal?.stop();
    await postgres?.stop();
  };
  const failure = [temporalResult, postgresResult].find((result) => result.status === 'rejected');
  if (failure) {
    await teardown();
    throw failure.reason;
  }

  const address = temporal?.address ?? temporalAddress!;
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const databaseUrl = postgres!.url;
  process.env.TEMPORAL_ADDRESS = address;
  process.env.TEMPORAL_NAMESPACE = namespace;
  process.env.DATABASE_URL = databaseUrl;
  project.provide('temporalAddress', address);
  project.provide('temporalNamespace', namespace);
  project.provide('databaseUrl', databaseUrl);
  log(
    `Temporal ${temporal ? `dev server on ${address}` : `at TEMPORAL_ADDRESS=${address}`}, ` +
      `PostgreSQL ${postgres!.embedded ? 'embedded' : 'from DATABASE_URL'} ready in ${Date.now() - started} ms`,
  );

  try {
    await runMigrations(databaseUrl);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}

/**
 * Runs `migrate(databaseUrl)` of every service whose package exports `./migrate`
 * (`@cancelflow/<service>/migrate`); services without it are skipped with a message.
 */
async function runMigrations(databaseUrl: string): Promise<void> {
  for (const service of MIGRATING_SERVICES) {
    const specifier = `@cancelflow/${service}/migrate`;
    if (!(await exportsMigrate(service))) {
      log(`no migrations: ${specifier} is not exported (yet), skipped`);
      continue;
    }
    const module = (await import(specifier)) as { migrate?: (databaseUrl: string) => Promise<void> };
    if (typeof module.migrate !== 'function') {
      throw new Error(`${specifier} must export migrate(databaseUrl: string): Promise<void>`);
    }
    const started = Date.now();
    await module.migrate(databaseUrl);
    log(`migrated ${service} in ${Date.now() - started} ms`);
  }
}

/** True when `@cancelflow/<service>/migrate` resolves: an explicit "./migrate" export, or "./*" and the file. */
async function exportsMigrate(service: string): Promise<boolean> {
  const dir = join(repoRoot, 'apps', service);
  let exports: unknown;
  try {
    ({ exports } = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { exports?: unknown });
  } catch {
    return false;
  }
  if (typeof exports !== 'object' || exports === null) return false;
  const map = exports as Record<string, unknown>;
  if ('./migrate' in map) return true;
  const pattern = map['./*'];
  return typeof pattern === 'string' && existsSync(join(dir, pattern.replace('*', 'migrate')));
}
