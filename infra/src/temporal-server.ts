// The Temporal server itself (not the CLI's dev server), on PostgreSQL: what docker-compose.yml
// runs as temporalio/server, built here from source.
//
// `go install go.temporal.io/server/cmd/server@v1.30.4` and its schema tool
// `.../cmd/tools/sql@v1.30.4` are built once into
// ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-server-v1.30.4/{temporal-server,temporal-sql-tool},
// with the module's own schema/postgresql/v12 files copied beside them (go-install.ts: a
// temporary folder renamed into place when complete). v1.30.4 because v1.31 and later need a
// newer Go than 1.26; docker-compose.yml pins the same version.
//
// Persistence and SQL visibility go to two databases of their own, `temporal` and
// `temporal_visibility`, owned by a `temporal` role, as infra/compose/postgres/10-temporal-role.sh
// and infra/compose/temporal/setup-postgres.sh arrange it in compose: created when missing and
// brought up to the server's schema version with the schema tool on every start. The namespace is
// registered when missing (create-namespace.sh). No web UI: the UI ships in the CLI's dev server
// and the temporalio/ui image only, neither of which this server needs.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, copyFile, mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import type { google } from '@temporalio/proto';
import pg from 'pg';
import { freePort, freePortInRange } from './free-port.ts';
import { answers, cancelflowCacheDir, goInstallIntoCache } from './go-install.ts';
import { repoRoot } from './repo.ts';
import { waitUntilServing } from './temporal-dev-server.ts';
import { onShutdown } from './shutdown.ts';

export const TEMPORAL_SERVER_VERSION = 'v1.30.4';
const MODULE = 'go.temporal.io/server';
const HOST = '127.0.0.1';
/** Fixed once a cluster is initialised: the same as the docker image's default. */
const HISTORY_SHARDS = 4;
/** The dynamic configuration compose gives its server, so the two run with the same settings. */
export const TEMPORAL_DYNAMIC_CONFIG = join(repoRoot, 'infra', 'compose', 'temporal', 'dynamicconfig', 'production.yaml');

const execFileAsync = promisify(execFile);
type Duration = google.protobuf.IDuration;

export interface TemporalServerInstall {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the module: temporal/versioned and visibility/versioned. */
  schemaDir: string;
}

export function temporalServerCacheDir(): string {
  return cancelflowCacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

/** The server and its schema tool, built on first use. */
export async function ensureTemporalServer(log: (message: string) => void): Promise<TemporalServerInstall> {
  const cacheDir = temporalServerCacheDir();
  const install = (dir: string): TemporalServerInstall => ({
    server: join(dir, 'temporal-server'),
    sqlTool: join(dir, 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
  });
  const isComplete = async (dir: string) => {
    const found = install(dir);
    return (
      (await answers(found.server, ['--version'], TEMPORAL_SERVER_VERSION.slice(1))) &&
      (await answers(found.sqlTool, ['--version'], 'temporal-sql-tool')) &&
      (await stat(join(found.schemaDir, 'visibility', 'versioned')).then(
        (s) => s.isDirectory(),
        () => false,
      ))
    );
  };
  if (await isComplete(cacheDir)) return install(cacheDir);
  await goInstallIntoCache({
    label: `the Temporal server ${TEMPORAL_SERVER_VERSION}`,
    cacheDir,
    packages: [`${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
    isComplete,
    withoutGo:
      `the production topology runs the Temporal server ${TEMPORAL_SERVER_VERSION}, built from source, and this machine has no Go: ` +
      'install Go 1.25+ (https://go.dev/dl) and run this again (the build takes a few minutes, once), or use `npm start` (the dev server)',
    finish: async (buildDir, go) => {
      await rename(join(buildDir, 'server'), join(buildDir, 'temporal-server'));
      await rename(join(buildDir, 'sql'), join(buildDir, 'temporal-sql-tool'));
      const { stdout } = await execFileAsync(go, ['env', 'GOMODCACHE']);
      const moduleDir = join(stdout.trim(), `${MODULE}@${TEMPORAL_SERVER_VERSION}`);
      await copyTree(join(moduleDir, 'schema', 'postgresql', 'v12'), install(buildDir).schemaDir);
    },
    log,
  });
  if (!(await isComplete(cacheDir))) {
    throw new Error(`the Temporal server built into ${cacheDir} does not run: delete that folder and try again`);
  }
  return install(cacheDir);
}

/** Copies a folder; the module cache's files are read-only, the copies are not (so they can be removed). */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isDirectory()) await copyTree(join(from, entry.name), join(to, entry.name));
    else {
      await copyFile(join(from, entry.name), join(to, entry.name));
      await chmod(join(to, entry.name), 0o644);
    }
  }
}

export interface TemporalDatabase {
  host: string;
  port: number;
  /** The role the server logs in as (created when missing). */
  user: string;
  password: string;
}

/**
 * The `temporal` role, its two databases and their schemas, as compose's one-shots do. Safe on
 * every start: what exists is kept and update-schema applies only the missing versions.
 */
export async function setupTemporalSchema(
  install: TemporalServerInstall,
  database: TemporalDatabase,
  adminUrl: string,
  log: (message: string) => void,
): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const role = await admin.query('select 1 from pg_roles where rolname = $1', [database.user]);
    if (role.rowCount === 0) {
      await admin.query(
        `create role ${admin.escapeIdentifier(database.user)} with login createdb password ${admin.escapeLiteral(database.password)}`,
      );
      log(`created the ${database.user} role`);
    }
    for (const name of ['temporal', 'temporal_visibility']) {
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        await admin.query(`create database ${admin.escapeIdentifier(name)} owner ${admin.escapeIdentifier(database.user)}`);
        log(`created database ${name}`);
      }
    }
  } finally {
    await admin.end();
  }

  const env = { ...process.env, SQL_PASSWORD: database.password };
  const sql = (db: string, args: string[]) =>
    execFileAsync(
      install.sqlTool,
      ['--plugin', 'postgres12', '--ep', database.host, '-p', String(database.port), '-u', database.user, '--db', db, ...args],
      { env, timeout: 120_000 },
    );
  for (const [db, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const versioned = await hasSchemaVersion(database, db);
    if (!versioned) await sql(db, ['setup-schema', '-v', '0.0']);
    // The versioned/ folder itself: pointed at its parent, update-schema finds nothing and exits 0.
    await sql(db, ['update-schema', '-d', join(install.schemaDir, schema, 'versioned')]);
  }
  log('Temporal schemas are up to date');
}

async function hasSchemaVersion(database: TemporalDatabase, db: string): Promise<boolean> {
  const client = new pg.Client({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    database: db,
  });
  await client.connect();
  try {
    const found = await client.query(`select 1 from information_schema.tables where table_name = 'schema_version'`);
    return (found.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

export interface TemporalServerOptions {
  install: TemporalServerInstall;
  database: TemporalDatabase;
  /** Where the generated configuration file goes. */
  dataDir: string;
  /** gRPC frontend port (what TEMPORAL_ADDRESS names); a free one, 7233 when free, when omitted. */
  port?: number;
  namespace: string;
  /** The namespace's retention when it is created; compose's TEMPORAL_NAMESPACE_RETENTION default. */
  retentionDays?: number;
  /** The server's log level (compose: TEMPORAL_LOG_LEVEL, default warn). */
  logLevel?: string;
  /**
   * Start it again this long after an exit nobody asked for (it exits when its database goes
   * away), as compose's `restart: unless-stopped` does; absent: leave it down.
   */
  restartAfterMs?: number;
  log?: (message: string) => void;
}

export interface TemporalServer {
  /** host:port of the gRPC frontend. */
  address: string;
  pid(): number | undefined;
  alive(): boolean;
  /** How many times it was started again after an exit nobody asked for. */
  restarts(): number;
  /** Starts the process again after kill(), with the same configuration and ports; resolves once it serves. */
  start(): Promise<void>;
  /**
   * Sends a signal to the server's process group and waits for it to exit (SIGKILL by default:
   * a crash); with restartAfterMs it comes back by itself.
   */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/** Starts the server on its databases, waits until it serves, and registers the namespace when missing. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[temporal] ${message}\n`));
  const port = options.port ?? (await freePort(7233));
  // The server records its members' ports in a smallint column (cluster_membership): below 32768,
  // near the server's own defaults (6933-6939, 7234-7239).
  const ports: number[] = [];
  for (let i = 0; i < 10; i++) ports.push(await freePortInRange(6930, 7999));
  const [
    http,
    frontendMembership,
    historyGrpc,
    historyMembership,
    matchingGrpc,
    matchingMembership,
    workerGrpc,
    workerMembership,
    metrics,
  ] = ports as [number, number, number, number, number, number, number, number, number];
  const address = `${HOST}:${port}`;
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${options.database.host}:${options.database.port}`,
      connectProtocol: 'tcp',
      user: options.database.user,
      password: options.database.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, httpPort?: number) => ({
    rpc: { grpcPort, membershipPort, bindOnIP: HOST, ...(httpPort ? { httpPort } : {}) },
  });
  // JSON is YAML: the server reads this file as its config (config/development-postgres12.yaml of the module, loopback ports).
  const config = {
    log: { stdout: true, level: options.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: { 'postgres-default': store('temporal', 20), 'postgres-visibility': store('temporal_visibility', 4) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: HOST },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `${HOST}:${metrics}` } },
    },
    services: {
      frontend: rpc(port, frontendMembership, http),
      history: rpc(historyGrpc, historyMembership),
      matching: rpc(matchingGrpc, matchingMembership),
      worker: rpc(workerGrpc, workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: address } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: TEMPORAL_DYNAMIC_CONFIG, pollInterval: '10s' },
  };
  await mkdir(options.dataDir, { recursive: true });
  const configFile = join(options.dataDir, 'temporal-server.yaml');
  await writeFile(configFile, `${JSON.stringify(config, null, 2)}\n`);

  let child: ChildProcess | undefined;
  let tail = '';
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = (s: NodeJS.Signals) => {
    if (!alive() || !child?.pid) return;
    try {
      process.kill(-child.pid, s);
    } catch {
      child.kill(s);
    }
  };
  const kill = async (s: NodeJS.Signals = 'SIGKILL') => {
    const running = child;
    if (!running || !alive()) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    signal(s);
    const timer = setTimeout(() => signal('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const start = async () => {
    if (alive()) return;
    tail = '';
    // Own process group: a Ctrl-C reaches us, and the server stops after the workers that use it.
    const started = spawn(options.install.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = started;
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-10_000);
    };
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    started.on('exit', (code, s) => {
      if (stopping) return;
      if (options.restartAfterMs === undefined) {
        log(`temporal-server exited (${s ?? `code ${code}`})`);
        return;
      }
      log(`temporal-server exited (${s ?? `code ${code}`}); starting it again in ${options.restartAfterMs} ms`);
      restarts += 1;
      restartTimer = setTimeout(() => {
        // A start that fails exits again, and this handler tries once more.
        start().catch((error: unknown) => log(`temporal-server did not come back yet: ${String(error).split('\n')[0]}`));
      }, options.restartAfterMs);
    });
    await waitUntilServing(address, started, () => tail, 120_000, { what: 'Temporal server', namespace: 'temporal-system', pollMs: 500 });
  };
  const stop = async () => {
    stopping = true;
    if (restartTimer) clearTimeout(restartTimer);
    await kill('SIGTERM');
  };
  const unregister = onShutdown({ name: 'Temporal server', stop, killSync: () => signal('SIGTERM') });

  try {
    await start();
    await ensureNamespace(address, options.namespace, options.retentionDays ?? 30, log);
  } catch (error) {
    unregister();
    await stop();
    throw error;
  }
  log(`Temporal server ${TEMPORAL_SERVER_VERSION} is serving on ${address} (PostgreSQL ${options.database.host}:${options.database.port})`);
  return {
    address,
    pid: () => (alive() ? child?.pid : undefined),
    alive,
    restarts: () => restarts,
    start,
    kill,
    stop: async () => {
      unregister();
      await stop();
    },
  };
}

/** Registers the namespace when missing, then waits until the frontend serves calls in it. */
export async function ensureNamespace(
  address: string,
  namespace: string,
  retentionDays: number,
  log: (message: string) => void,
): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const service = connection.workflowService;
    const exists = await service.describeNamespace({ namespace }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      // protobufjs takes a plain number where the generated type says Long.
      const seconds = (retentionDays * 86_400) as unknown as NonNullable<Duration['seconds']>;
      await service.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds } }).catch((error: unknown) => {
        // Another starter registered it in between.
        if (!/already exists/i.test(String(error))) throw error;
      });
      log(`namespace ${namespace} registered (retention ${retentionDays}d)`);
    }
    // The frontend learns of a new namespace from its cache, refreshed every few seconds.
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await service.countWorkflowExecutions({ namespace });
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`namespace ${namespace} is not served after 60s: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await connection.close();
  }
}
