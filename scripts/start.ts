// `npm start`: the whole of CancelFlow on this machine. Starts PostgreSQL (embedded, data in
// .cancelflow/postgres, unless DATABASE_URL is set) and the Temporal dev server (SQLite in
// .cancelflow/temporal.db, web UI on 8233, unless TEMPORAL_ADDRESS is set), then each app's
// src/main.ts with Node 24, their output prefixed with the app's name. Ctrl-C or SIGTERM stops
// everything, last started first.
//
// `npm run start:production` (--production): the topology of docker-compose.yml instead
// (infra/src/production.ts): the Temporal server built from source on the embedded PostgreSQL
// (data in .cancelflow/production), two replicas of every service and of the workflow worker,
// loopback balancers in front of the services on their usual ports, an SMTP relay on 1025 where
// compose has Mailpit, and the console; each process with the environment compose gives it.

import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startAppProcess } from '../infra/src/app-process.ts';
import { freePort, requirePort } from '../infra/src/free-port.ts';
import { findGo, findOnPath, isExecutable } from '../infra/src/go-install.ts';
import { startPostgres } from '../infra/src/postgres.ts';
import { productionSecrets, REPLICAS, startProduction } from '../infra/src/production.ts';
import { repoRoot } from '../infra/src/repo.ts';
import { onShutdown, stopAll } from '../infra/src/shutdown.ts';
import { ensureTemporalCli, temporalCliCacheDir } from '../infra/src/temporal-cli.ts';
import { startTemporalDevServer } from '../infra/src/temporal-dev-server.ts';
import { temporalServerCacheDir } from '../infra/src/temporal-server.ts';
import { authSettingsFromEnv, mintAccessToken, type AuthSettings } from '../packages/service-kit/src/auth.ts';
import { secretProblems } from '../packages/service-kit/src/secrets.ts';

interface App {
  name: string;
  /** HTTP port; none for the workflows worker. */
  port?: number;
  env?: Record<string, string>;
}

// Fixed ports, each movable by its variable (the benchmark runs beside a running `npm start`).
const ORDER_PORT = portFromEnv('ORDER_SERVICE_PORT', 3001);
const PAYMENT_PORT = portFromEnv('PAYMENT_SERVICE_PORT', 3002);
const NOTIFICATION_PORT = portFromEnv('NOTIFICATION_SERVICE_PORT', 3003);
const SMTP_PORT = portFromEnv('SMTP_PORT', 2525);
const CONSOLE_PORT = portFromEnv('CONSOLE_PORT', 3000);
const TEMPORAL_UI_PORT = portFromEnv('TEMPORAL_UI_PORT', 8233);
const dataDir = join(repoRoot, '.cancelflow');
const color = process.stdout.isTTY;

const APPS: App[] = [
  { name: 'order-service', port: ORDER_PORT },
  { name: 'payment-service', port: PAYMENT_PORT, env: { ORDER_SERVICE_URL: `http://127.0.0.1:${ORDER_PORT}` } },
  {
    name: 'notification-service',
    port: NOTIFICATION_PORT,
    env: { SMTP_PORT: String(SMTP_PORT), ORDER_SERVICE_URL: `http://127.0.0.1:${ORDER_PORT}` },
  },
  { name: 'workflows' },
  {
    name: 'console',
    port: CONSOLE_PORT,
    env: {
      ORDER_SERVICE_URL: `http://127.0.0.1:${ORDER_PORT}`,
      PAYMENT_SERVICE_URL: `http://127.0.0.1:${PAYMENT_PORT}`,
      NOTIFICATION_SERVICE_URL: `http://127.0.0.1:${NOTIFICATION_PORT}`,
    },
  },
];

const say = (message: string) => process.stdout.write(`${paint('[cancelflow]', 1)} ${message}\n`);

// The production topology has its own start; it returns only through process exit (Ctrl-C or
// SIGTERM stop everything through shutdown.ts), so nothing below runs in that mode.
if (process.argv.includes('--production')) await runProductionUntilStopped();

// A newcomer without the Temporal CLI and without Go gets the SDK's download of the CLI where
// the machine can reach it, else hears what to install, before anything starts.
if (!process.env.TEMPORAL_ADDRESS && !(await temporalCliFindable())) {
  try {
    await ensureTemporalCli({ log: say });
  } catch (error) {
    for (const line of (error instanceof Error ? error.message : String(error)).split('\n')) say(line);
    process.exit(1);
  }
}

// Every secret of every app is checked here, before anything starts: NODE_ENV=production without
// them, or with the development ones published in this repository, stops here.
const secretsWrong = secretProblems(process.env);
if (secretsWrong.length > 0) {
  for (const problem of secretsWrong) say(`cannot start: ${problem}`);
  process.exit(1);
}
// Bearer tokens: AUTH_TOKEN_SECRET, or in development a fixed secret (said loudly below).
let auth: AuthSettings;
try {
  auth = authSettingsFromEnv();
} catch (error) {
  say(`cannot start: ${(error as Error).message}`);
  process.exit(1);
}
onShutdown({
  name: 'summary',
  stop: async () => {
    say('everything stopped');
  },
});

const present = APPS.filter((app) => {
  const found = existsSync(join(repoRoot, 'apps', app.name, 'src', 'main.ts'));
  if (!found) say(`skipping ${app.name}: apps/${app.name}/src/main.ts does not exist yet`);
  return found;
});
// Fail before starting anything when a fixed port is taken.
for (const app of present) {
  if (app.port !== undefined) await requirePort(app.port, app.name);
  if (app.env?.SMTP_PORT) await requirePort(SMTP_PORT, `${app.name} SMTP`);
}

say('starting PostgreSQL and Temporal ...');
const [postgres, temporal] = await Promise.all([
  startPostgres({ dataDir: join(dataDir, 'postgres'), port: await freePort(54329), log: prefixed('postgres') }),
  process.env.TEMPORAL_ADDRESS
    ? undefined
    : startTemporalDevServer({
        port: await freePort(7233),
        uiPort: TEMPORAL_UI_PORT,
        dbFilename: join(dataDir, 'temporal.db'),
        log: prefixed('temporal'),
      }),
]);
const temporalAddress = temporal?.address ?? process.env.TEMPORAL_ADDRESS!;
const namespace = process.env.TEMPORAL_NAMESPACE || 'default';

// /metrics needs METRICS_TOKEN; outside production, one is made up for this run (printed below).
const metricsToken = process.env.METRICS_TOKEN || (process.env.NODE_ENV === 'production' ? undefined : randomBytes(24).toString('hex'));
const baseEnv = {
  ...process.env,
  ...(metricsToken ? { METRICS_TOKEN: metricsToken } : {}),
  DATABASE_URL: postgres.url,
  TEMPORAL_ADDRESS: temporalAddress,
  TEMPORAL_NAMESPACE: namespace,
};
const running = present.map((app) => startApp(app, baseEnv));

const answering = await Promise.all(
  present.map((app, i) => (app.port === undefined ? true : waitForPort(app.port, 30_000, running[i]!.alive))),
);
const lines = [
  '',
  'CancelFlow is running. Ctrl-C stops everything.',
  '',
  ...present.map((app, i) => {
    const status = !running[i]!.alive() ? '  (exited, see its log above)' : answering[i] ? '' : '  (not answering yet)';
    const where = `${app.port === undefined ? 'worker' : `http://127.0.0.1:${app.port}`}${status}`;
    return `  ${app.name.padEnd(22)} ${where}`;
  }),
  ...(present.some((app) => app.name === 'notification-service') ? [`  ${'SMTP'.padEnd(22)} smtp://127.0.0.1:${SMTP_PORT}`] : []),
  `  ${'Temporal'.padEnd(22)} ${temporalAddress} (namespace ${namespace})`,
  ...(temporal?.uiUrl ? [`  ${'Temporal web UI'.padEnd(22)} ${temporal.uiUrl}`] : []),
  `  ${'PostgreSQL'.padEnd(22)} ${postgres.url}`,
  '',
];
for (const line of lines) say(line);
if (metricsToken && !process.env.METRICS_TOKEN)
  say(`GET /metrics of every service: Authorization: Bearer ${metricsToken} (made up for this run; set METRICS_TOKEN to choose one)`);
await printDevelopmentTokens(auth);

async function runProductionUntilStopped(): Promise<never> {
  const productionDir = join(dataDir, 'production');
  if (!(await isExecutable(join(temporalServerCacheDir(), 'temporal-server'))) && !(await findGo())) {
    say(
      `the production topology runs the Temporal server built from source (Go needed once, to build it into ${temporalServerCacheDir()}).`,
    );
    say('Install Go 1.25+ (https://go.dev/dl) and run this again, or use `npm start` (the Temporal CLI dev server).');
    process.exit(1);
  }
  // Compose requires its secrets from .env; here they come from the environment, else are made up once and kept.
  const secrets = await productionSecrets(productionDir, process.env);
  const secretsWrong = secretProblems({ ...process.env, ...secrets, NODE_ENV: 'production' });
  if (secretsWrong.length > 0) {
    for (const problem of secretsWrong) say(`cannot start: ${problem}`);
    process.exit(1);
  }
  onShutdown({
    name: 'summary',
    stop: async () => {
      say('everything stopped');
    },
  });

  say(`starting the production topology: Temporal server, PostgreSQL, ${REPLICAS} replicas of every service and worker ...`);
  let topology: Awaited<ReturnType<typeof startProduction>>;
  try {
    topology = await startProduction({ dataDir: productionDir, log: prefixed, restartAfterMs: 2_000 });
  } catch (error) {
    say(`cannot start: ${(error as Error).message}`);
    await stopAll();
    process.exit(1);
  }
  const ready = await Promise.all(
    Object.entries(topology.urls).map(async ([name, url]) => [name, url, await answersHttp(`${url}/readyz`, 90_000)] as const),
  );
  const lines = [
    '',
    'CancelFlow (production topology) is running. Ctrl-C stops everything.',
    '',
    ...ready.map(([name, url, ok]) => `  ${name.padEnd(22)} ${url}${ok ? '' : '  (not ready yet)'}`),
    ...topology.replicas.map(
      (r) => `  ${`  ${r.process.name}`.padEnd(22)} pid ${r.process.pid() ?? '-'}${r.env.PORT ? ` on :${r.env.PORT}` : ''}`,
    ),
    `  ${'SMTP relay'.padEnd(22)} ${topology.relay.url} (what the notification service sends)`,
    `  ${'Temporal server'.padEnd(22)} ${topology.temporal.address} (namespace ${topology.namespace}; no web UI)`,
    `  ${'PostgreSQL'.padEnd(22)} ${topology.postgres.url.replace(/:[^:@/]+@/, ':***@')}`,
    `  ${'secrets'.padEnd(22)} ${join(productionDir, 'secrets.json')} (unless set in the environment)`,
    '',
  ];
  for (const line of lines) say(line);
  await printDevelopmentTokens(authSettingsFromEnv({ ...process.env, ...secrets, NODE_ENV: 'production' }));
  return new Promise<never>(() => undefined);
}

/** True when a `temporal` binary is at hand or can be built (Go present). */
async function temporalCliFindable(): Promise<boolean> {
  if (process.env.TEMPORAL_CLI) return true;
  if (await findOnPath('temporal')) return true;
  if (await isExecutable(join(temporalCliCacheDir(), 'temporal'))) return true;
  return (await findGo()) !== undefined;
}

/** Polls until the URL answers 200, or the time is up. */
async function answersHttp(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

/** A ready token per role, so a person can try the API at once; `npm run token` mints more. */
async function printDevelopmentTokens(settings: AuthSettings): Promise<void> {
  if (settings.development) {
    say(paint('!!! AUTH_TOKEN_SECRET is not set: the APIs accept tokens signed with the built-in DEVELOPMENT secret.', 1));
    say(paint('!!! Anyone can mint those. Never run like this in production (NODE_ENV=production refuses to start).', 1));
  }
  const tokens = [
    ['SERVICE', await mintAccessToken(settings, { role: 'SERVICE', subject: 'dev-integration', expiresIn: '8h' })],
    ['SUPPORT', await mintAccessToken(settings, { role: 'SUPPORT', subject: 'dev-support', expiresIn: '8h' })],
    [
      'MERCHANT merchant-a',
      await mintAccessToken(settings, { role: 'MERCHANT', merchantId: 'merchant-a', subject: 'dev-merchant', expiresIn: '8h' }),
    ],
  ];
  say('Bearer tokens for the APIs (8 hours; more with: npm run token -- --role MERCHANT --merchant m1 --expires 8h):');
  for (const [role, token] of tokens) say(`  ${role!.padEnd(22)} ${token}`);
  say('');
}

function startApp(app: App, baseEnv: NodeJS.ProcessEnv): { alive: () => boolean } {
  const env: NodeJS.ProcessEnv = { ...baseEnv, ...app.env };
  if (app.port === undefined) delete env.PORT;
  else env.PORT = String(app.port);
  return startAppProcess({ app: app.name, env, log: prefixed(app.name) });
}

function prefixed(name: string): (line: string) => void {
  const label = paint(`[${name}]`.padEnd(24), 36);
  return (line) => process.stdout.write(`${label}${line}\n`);
}

/** Resolves true once something accepts connections on the port; false on timeout or when the app died. */
function waitForPort(port: number, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline || !alive()) resolve(false);
        else setTimeout(attempt, 300);
      });
    };
    attempt();
  });
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`[cancelflow] cannot start: ${name} must be a port number, got "${raw}"\n`);
    process.exit(1);
  }
  return port;
}

function paint(text: string, code: number): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}
