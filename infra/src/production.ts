// The production topology of docker-compose.yml, on this machine without Docker: the Temporal
// server (built from source, temporal-server.ts) on the embedded PostgreSQL with its own two
// databases, an SMTP relay where compose has Mailpit, two replicas of every service (each with
// its worker) and of the workflow worker, a loopback load balancer in front of each service's
// replicas, and the console. `npm run start:production` and `npm run chaos` start it.
//
// Every process gets the environment compose gives its container, read from docker-compose.yml
// itself, so the two cannot drift; only the variables that say where things are (ADDRESS_VARIABLES)
// are replaced by this machine's loopback addresses.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { composeEnvironment } from '../scripts/validate-compose.ts';
import { startAppProcess, type AppProcess } from './app-process.ts';
import { startBalancer, type Balancer } from './balancer.ts';
import { freePort, requirePort } from './free-port.ts';
import { startPostgres, type Postgres } from './postgres.ts';
import { onShutdown } from './shutdown.ts';
import { startSmtpRelay, type SmtpRelay } from './smtp-relay.ts';
import { ensureTemporalServer, setupTemporalSchema, startTemporalServer, type TemporalServer } from './temporal-server.ts';

export const REPLICAS = 2;
const HOST = '127.0.0.1';
/** The temporal role's name, as infra/compose/postgres/10-temporal-role.sh creates it. */
const TEMPORAL_DB_USER = 'temporal';

/** Where things are: set to this machine's loopback addresses; every other variable is compose's, value for value. */
export const ADDRESS_VARIABLES = [
  'HOST',
  'PORT',
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_METRICS_BIND_ADDRESS',
  'ORDER_SERVICE_URL',
  'SMTP_URL',
  'SMTP_HOST',
  'SMTP_PORT',
] as const;
export type AddressVariable = (typeof ADDRESS_VARIABLES)[number];

/** The services behind a load balancer (compose's published ports), and the worker without HTTP. */
export const SERVICES = [
  { app: 'order-service', port: 3001 },
  { app: 'payment-service', port: 3002 },
  { app: 'notification-service', port: 3003 },
] as const;
export const WORKERS = ['workflows'] as const;
export type ServiceApp = (typeof SERVICES)[number]['app'];

/** The variables compose requires from .env; made up once per data folder when not set. */
const SECRETS = [
  'POSTGRES_PASSWORD',
  'TEMPORAL_DB_PASSWORD',
  'AUTH_TOKEN_SECRET',
  'SELF_SERVICE_TOKEN_SECRET',
  'WEBHOOK_SECRETS_KEY',
] as const;

export interface ProductionOptions {
  /** Data of PostgreSQL and the Temporal server's configuration; kept between runs. */
  dataDir: string;
  /** Public ports (the balancers, the console, the SMTP relay); free ones when 0. */
  ports?: Partial<Record<ServiceApp | 'console' | 'smtp' | 'temporal', number>>;
  /** What compose interpolates from (.env); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Added to every CancelFlow process's environment after compose's (the chaos run's settings; reported by it). */
  extraEnv?: Record<string, string>;
  /** A replica that exits unasked is started again after this long (compose: restart: unless-stopped). */
  restartAfterMs?: number;
  /** Start the console too (default true). */
  console?: boolean;
  /** PostgreSQL in a temporary folder, removed on stop (a chaos run), instead of dataDir/postgres. */
  temporaryPostgres?: boolean;
  log: (name: string) => (line: string) => void;
}

export interface Replica {
  app: string;
  index: number;
  process: AppProcess;
  env: Record<string, string>;
}

export interface Production {
  postgres: Postgres;
  temporal: TemporalServer;
  relay: SmtpRelay;
  /** The balancers' URLs, what a client of the APIs uses. */
  urls: Record<ServiceApp, string> & { console?: string };
  replicas: Replica[];
  balancers: Balancer[];
  /** What compose interpolated from, secrets included (tokens for the APIs are minted with AUTH_TOKEN_SECRET). */
  composeInput: Record<string, string | undefined>;
  namespace: string;
  stop(): Promise<void>;
}

/** The secrets compose requires: from the environment, else made up once and kept (mode 0600) in the data folder. */
export async function productionSecrets(dataDir: string, env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const file = join(dataDir, 'secrets.json');
  const kept: Record<string, string> = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {};
  let changed = false;
  const secrets: Record<string, string> = {};
  for (const name of SECRETS) {
    const value = env[name] || kept[name];
    if (value) secrets[name] = value;
    else {
      secrets[name] = randomBytes(32).toString('hex');
      kept[name] = secrets[name];
      changed = true;
    }
  }
  if (changed) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

/**
 * A process's environment in this topology: compose's for its service, with the address
 * variables replaced. Throws when `where` names a variable that is not an address.
 */
export function productionEnvironment(
  compose: Record<string, string>,
  where: Partial<Record<AddressVariable, string>>,
): Record<string, string> {
  for (const name of Object.keys(where)) {
    if (!(ADDRESS_VARIABLES as readonly string[]).includes(name)) throw new Error(`${name} is not an address variable`);
  }
  const env: Record<string, string> = { ...compose };
  for (const [name, value] of Object.entries(where)) if (value !== undefined) env[name] = value;
  return env;
}

/** Where one replica finds everything on this machine. */
export interface ReplicaAddresses {
  databaseUrl: string;
  temporalAddress: string;
  orderServiceUrl: string;
  smtpUrl: string;
  metricsPort: number;
  /** HTTP port (the services). */
  port?: number;
  /** Where its SMTP server takes replies (the notification service). */
  smtpPort?: number;
}

/** One replica's environment: compose's for its service, with this machine's loopback addresses. */
export function replicaEnvironment(app: string, compose: Record<string, string>, at: ReplicaAddresses): Record<string, string> {
  const where: Partial<Record<AddressVariable, string>> = {
    TEMPORAL_ADDRESS: at.temporalAddress,
    TEMPORAL_METRICS_BIND_ADDRESS: `${HOST}:${at.metricsPort}`,
  };
  // Only what compose gives the service: the workflow worker has no database and no HTTP.
  if ('HOST' in compose) where.HOST = HOST;
  if ('DATABASE_URL' in compose) where.DATABASE_URL = at.databaseUrl;
  if ('ORDER_SERVICE_URL' in compose) where.ORDER_SERVICE_URL = at.orderServiceUrl;
  if (at.port !== undefined) where.PORT = String(at.port);
  if (app === 'notification-service') {
    where.SMTP_URL = at.smtpUrl;
    where.SMTP_HOST = HOST;
    // Compose gives every container its own 2525; two replicas on one machine need two ports.
    if (at.smtpPort !== undefined) where.SMTP_PORT = String(at.smtpPort);
  }
  return productionEnvironment(compose, where);
}

export async function startProduction(options: ProductionOptions): Promise<Production> {
  const { log } = options;
  const input = options.env ?? process.env;
  await mkdir(options.dataDir, { recursive: true });
  const secrets = await productionSecrets(options.dataDir, input);
  const composeInput: Record<string, string | undefined> = { ...input, ...secrets };
  const compose = composeEnvironment(composeInput);
  const namespace = compose.workflows?.TEMPORAL_NAMESPACE ?? 'default';
  const port = async (name: ServiceApp | 'console' | 'smtp' | 'temporal', preferred: number) => {
    const wanted = options.ports?.[name];
    return wanted === 0 ? freePort() : requirePort(wanted ?? preferred, name);
  };

  const [install, postgres] = await Promise.all([
    ensureTemporalServer(log('temporal')),
    startPostgres({
      ...(options.temporaryPostgres ? {} : { dataDir: join(options.dataDir, 'postgres') }),
      port: await freePort(54339),
      log: log('postgres'),
    }),
  ]);
  const temporalDatabase = { host: postgres.host, port: postgres.port, user: TEMPORAL_DB_USER, password: secrets.TEMPORAL_DB_PASSWORD! };
  await setupTemporalSchema(install, temporalDatabase, postgres.adminUrl, log('temporal'));
  const temporal = await startTemporalServer({
    install,
    database: temporalDatabase,
    dataDir: join(options.dataDir, 'temporal'),
    port: await port('temporal', 7233),
    namespace,
    retentionDays: retentionDays(compose['temporal-create-namespace']?.TEMPORAL_NAMESPACE_RETENTION),
    logLevel: compose.temporal?.LOG_LEVEL || 'warn',
    ...(options.restartAfterMs === undefined ? {} : { restartAfterMs: options.restartAfterMs }),
    log: log('temporal'),
  });

  const relay = await startSmtpRelay(await port('smtp', 1025));
  onShutdown({ name: 'SMTP relay', stop: () => relay.close() });

  // Every replica's port is chosen before anything starts, so the balancers know them.
  const balancers: Balancer[] = [];
  const replicaPorts = new Map<ServiceApp, number[]>();
  const urls = {} as Production['urls'];
  for (const service of SERVICES) {
    const ports: number[] = [];
    for (let i = 0; i < REPLICAS; i++) ports.push(await freePort());
    replicaPorts.set(service.app, ports);
    const balancer = await startBalancer(await port(service.app, service.port), () => ports);
    onShutdown({ name: `${service.app} balancer`, stop: () => balancer.close() });
    balancers.push(balancer);
    urls[service.app] = balancer.url;
  }

  const replicas: Replica[] = [];
  // A container sees only what compose declares; a process here also needs to find programs and its home.
  const machine = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const app of [...SERVICES.map((s) => s.app), ...WORKERS]) {
    const fromCompose = compose[app];
    if (!fromCompose) throw new Error(`docker-compose.yml has no ${app} service`);
    for (let i = 0; i < REPLICAS; i++) {
      const env = {
        ...replicaEnvironment(app, fromCompose, {
          databaseUrl: postgres.url,
          temporalAddress: temporal.address,
          orderServiceUrl: urls['order-service'],
          smtpUrl: relay.url,
          metricsPort: await freePort(),
          ...(app === 'workflows' ? {} : { port: replicaPorts.get(app as ServiceApp)![i]! }),
          ...(app === 'notification-service' ? { smtpPort: await freePort(i === 0 ? 2525 : undefined) } : {}),
        }),
        ...options.extraEnv,
      };
      const name = `${app}#${i + 1}`;
      const process_ = startAppProcess({
        app,
        name,
        env: { ...machine, ...env },
        log: log(name),
        ...(options.restartAfterMs === undefined ? {} : { restartAfterMs: options.restartAfterMs }),
      });
      replicas.push({ app, index: i, process: process_, env });
    }
  }

  let consoleProcess: AppProcess | undefined;
  if (options.console ?? true) {
    const consolePort = await port('console', 3000);
    // Not in docker-compose.yml yet (its console service is a comment): the settings npm start gives it.
    consoleProcess = startAppProcess({
      app: 'console',
      env: {
        ...machine,
        NODE_ENV: 'production',
        LOG_LEVEL: compose['order-service']?.LOG_LEVEL ?? 'info',
        HOST,
        PORT: String(consolePort),
        TEMPORAL_NAMESPACE: namespace,
        ORDER_SERVICE_URL: urls['order-service'],
        PAYMENT_SERVICE_URL: urls['payment-service'],
        NOTIFICATION_SERVICE_URL: urls['notification-service'],
      },
      log: log('console'),
      ...(options.restartAfterMs === undefined ? {} : { restartAfterMs: options.restartAfterMs }),
    });
    urls.console = `http://${HOST}:${consolePort}`;
  }

  return {
    postgres,
    temporal,
    relay,
    urls,
    replicas,
    balancers,
    composeInput,
    namespace,
    async stop() {
      await Promise.all([...replicas.map((r) => r.process.stop()), consoleProcess?.stop()]);
      await Promise.all(balancers.map((b) => b.close()));
      await relay.close();
      await temporal.stop();
      await postgres.stop();
    },
  };
}

/** 30d, 72h, 7 → days (compose's TEMPORAL_NAMESPACE_RETENTION). */
function retentionDays(value: string | undefined): number {
  const match = /^(\d+)\s*([dh]?)$/.exec(value?.trim() || '30d');
  if (!match) throw new Error(`TEMPORAL_NAMESPACE_RETENTION must look like 30d or 72h, not "${value}"`);
  const n = Number(match[1]);
  return match[2] === 'h' ? Math.max(1, Math.ceil(n / 24)) : n;
}
