// `npm start`: the whole of CancelFlow on this machine. Starts PostgreSQL (embedded, data in
// .cancelflow/postgres, unless DATABASE_URL is set) and the Temporal dev server (SQLite in
// .cancelflow/temporal.db, web UI on 8233, unless TEMPORAL_ADDRESS is set), then each app's
// src/main.ts with Node 24, their output prefixed with the app's name. Ctrl-C or SIGTERM stops
// everything, last started first.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort, requirePort } from '../infra/src/free-port.ts';
import { startPostgres } from '../infra/src/postgres.ts';
import { repoRoot } from '../infra/src/repo.ts';
import { onShutdown } from '../infra/src/shutdown.ts';
import { startTemporalDevServer } from '../infra/src/temporal-dev-server.ts';
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
// A young generation of 4 MB instead of V8's 16: the order service's code loaded takes 159 MB of
// RSS instead of 202 (bench/README.md, "Worker settings").
const APP_NODE_FLAGS = ['--max-semi-space-size=4'];
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
const running = present.map(startApp);

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

function startApp(app: App): { alive: () => boolean } {
  const cwd = join(repoRoot, 'apps', app.name);
  const env: NodeJS.ProcessEnv = { ...baseEnv, ...app.env };
  if (app.port === undefined) delete env.PORT;
  else env.PORT = String(app.port);
  // Own process group, so that we stop the apps before the servers they use.
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, 'src/main.ts'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = prefixed(app.name);
  pipeLines(child.stdout, log);
  pipeLines(child.stderr, log);
  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('exit', (code, signal) => {
    if (!stopping) log(`exited (${signal ?? `code ${code}`}); the others keep running`);
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  const kill = (signal: NodeJS.Signals) => {
    if (!alive() || !child.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  onShutdown({
    name: app.name,
    stop: async () => {
      stopping = true;
      if (!alive()) return;
      say(`stopping ${app.name} ...`);
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    killSync: () => kill('SIGTERM'),
  });
  return { alive };
}

function prefixed(name: string): (line: string) => void {
  const label = paint(`[${name}]`.padEnd(24), 36);
  return (line) => process.stdout.write(`${label}${line}\n`);
}

function pipeLines(stream: NodeJS.ReadableStream, log: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const line of parts) log(line);
  });
  stream.on('end', () => {
    if (buffer) log(buffer);
  });
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
