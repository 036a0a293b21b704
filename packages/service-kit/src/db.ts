import { Migrator, type Migration } from '@mikro-orm/migrations';
import { MikroORM, type EntitySchema } from '@mikro-orm/postgresql';
import pg from 'pg';

type MigrationClass = new (...args: never[]) => Migration;

export interface DatabaseSettings {
  /** postgres://user:password@host:port/database */
  url: string;
  /** The PostgreSQL schema this service owns; no other service reads it. */
  schema: string;
  entities: EntitySchema[];
  /** Checked-in migrations, oldest first. Their names are what the migrations table records. */
  migrations: { name: string; class: MigrationClass }[];
}

export type Database = MikroORM;

/** How long a pool keeps an idle connection open (every pool of the services). */
export const POOL_IDLE_MS = 60_000;

export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  return MikroORM.init({
    clientUrl: settings.url,
    schema: settings.schema,
    entities: settings.entities,
    extensions: [Migrator],
    migrations: {
      migrationsList: settings.migrations as { name: string; class: new () => Migration }[],
      tableName: 'mikro_orm_migrations',
      schema: settings.schema,
      snapshot: false,
      snapshotOnMigrate: false,
      silent: true,
    },
    // A connection idle for a minute is closed (pg's default is 10 s): opening one costs a
    // PostgreSQL backend and an authentication, tens of milliseconds here, and under a steady
    // load the 10 s closed the pool's spare connections just before each moment that needed them.
    pool: { min: 0, max: Number(process.env.DATABASE_POOL_MAX ?? 10), idleTimeoutMillis: POOL_IDLE_MS },
    debug: process.env.DATABASE_DEBUG === 'true',
  });
}

/**
 * Runs the pending migrations of one service. Several processes may start at once (a service and
 * its worker, parallel tests): an advisory lock per schema lets one migrate while the others wait.
 */
export async function migrateDatabase(settings: DatabaseSettings): Promise<void> {
  const lock = new pg.Client({ connectionString: settings.url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock(hashtext($1))', [`migrate:${settings.schema}`]);
    await lock.query(`create schema if not exists "${settings.schema}"`);
    const orm = await openDatabase(settings);
    try {
      await orm.migrator.up();
    } finally {
      await orm.close(true);
    }
  } finally {
    await lock.end();
  }
}

/** PostgreSQL's unique_violation, for turning a lost race into a ConflictError. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  ((error as { code?: unknown }).code === '23505' || (error as { name?: unknown }).name === 'UniqueConstraintViolationException');
