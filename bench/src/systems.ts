// The system under measurement, started one of several ways (BENCH_SYSTEM):
//   processes   (default) scripts/start.ts, as `npm start` runs it: each app its own process
//   in-process  startSystem: the three services and the workflow worker in the bench's process
//   script:<path> [args] any start script (e.g. "script:scripts/start.ts --production") that honours DATABASE_URL, TEMPORAL_ADDRESS and the port
//               variables of scripts/start.ts (ORDER_SERVICE_PORT ...), e.g. a production topology
// Either way PostgreSQL and Temporal are the bench's own, fresh for the run.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '@cancelflow/infra/free-port';
import { repoRoot } from '@cancelflow/infra/repo';
import { startSystem } from '@cancelflow/system';
import { apiClient, type ApiClient } from '@cancelflow/testing';

// The tests hold every answer to the OpenAPI document; under load that check would take the
// bench's share of the two cores from the system.
const UNCHECKED = { checkContract: false };

export interface BenchSystem {
  /** How it was started, for the results. */
  shape: string;
  orders: ApiClient;
  ordersUrl: string;
  temporal: Client;
  /** Log lines written so far by each app (processes only: in-process logs go to the bench's stderr). */
  logLines?(): Record<string, LogFigures>;
  close(): Promise<void>;
}

export interface LogFigures {
  lines: number;
  /** Lines at warn or above. */
  warnings: number;
  bytes: number;
  /** The first few distinct messages at warn or above. */
  warningMessages: string[];
}

export interface BenchSystemOptions {
  databaseUrl: string;
  temporalAddress: string;
  /** Variables given to every app (worker tuning, SANDBOX_CARD_SETTLE_MS ...). */
  env: Record<string, string>;
  log: (message: string) => void;
}

export async function startBenchSystem(kind: string, options: BenchSystemOptions): Promise<BenchSystem> {
  if (kind === 'in-process') return inProcess(options);
  if (kind === 'processes') return fromScript('scripts/start.ts', options);
  if (kind.startsWith('script:')) return fromScript(kind.slice('script:'.length), options);
  throw new Error(`BENCH_SYSTEM must be processes, in-process or script:<path of a start script>, got "${kind}"`);
}

async function inProcess(options: BenchSystemOptions): Promise<BenchSystem> {
  // startSystem reads the environment of this process for what its env does not name.
  Object.assign(process.env, options.env);
  const system = await startSystem({ databaseUrl: options.databaseUrl, temporalAddress: options.temporalAddress, env: options.env });
  return {
    shape: 'in-process: the three services, their workers and the workflow worker in the bench process (startSystem)',
    orders: apiClient(system.orders.baseUrl, undefined, UNCHECKED),
    ordersUrl: system.orders.baseUrl,
    temporal: system.temporal,
    close: () => system.close(),
  };
}

async function fromScript(script: string, options: BenchSystemOptions): Promise<BenchSystem & { logLines(): Record<string, LogFigures> }> {
  // Ports of their own, away from a running `npm start` (3000-3003, 2525).
  const ports = {
    ORDER_SERVICE_PORT: await freePort(43001),
    PAYMENT_SERVICE_PORT: await freePort(43002),
    NOTIFICATION_SERVICE_PORT: await freePort(43003),
    CONSOLE_PORT: await freePort(43000),
    SMTP_PORT: await freePort(42525),
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
    DATABASE_URL: options.databaseUrl,
    TEMPORAL_ADDRESS: options.temporalAddress,
  };
  delete env.NODE_ENV; // as a person runs `npm start`
  const [path, ...args] = script.trim().split(/\s+/);
  const child = spawn(process.execPath, [join(repoRoot, path!), ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = new LogCounter();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => logs.add(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => logs.add(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ordersUrl = `http://127.0.0.1:${ports.ORDER_SERVICE_PORT}`;
  try {
    await waitFor(`${ordersUrl}/readyz`, 120_000, () => child.exitCode === null);
    await waitFor(`http://127.0.0.1:${ports.CONSOLE_PORT}/healthz`, 120_000, () => child.exitCode === null);
  } catch (error) {
    child.kill('SIGTERM');
    await exited;
    throw new Error(`${script} did not come up: ${(error as Error).message}\n${logs.tail()}`);
  }
  options.log(`${script} is up (order service on ${ordersUrl})`);
  const connection = await Connection.connect({ address: options.temporalAddress });
  return {
    shape: `processes: ${script} (as npm start), each app its own process`,
    orders: apiClient(ordersUrl, undefined, UNCHECKED),
    ordersUrl,
    temporal: new Client({ connection }),
    logLines: () => logs.counts(),
    async close() {
      await connection.close();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitFor(url: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (!alive()) throw new Error('the start script exited');
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Counts the log lines of each app (and their warnings), and keeps the last ones for a failed start. */
class LogCounter {
  private buffer = '';
  private readonly last: string[] = [];
  private readonly perApp = new Map<string, LogFigures>();

  add(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    // start.ts paints its labels only on a terminal: these lines are plain.
    for (const plain of lines) {
      const app = /^\[([\w-]+)\]/.exec(plain)?.[1] ?? 'other';
      const figures = this.perApp.get(app) ?? { lines: 0, warnings: 0, bytes: 0, warningMessages: [] };
      figures.lines += 1;
      figures.bytes += plain.length + 1;
      if (/"level":(40|50|60)/.test(plain)) {
        figures.warnings += 1;
        const message = /"msg":"([^"]{0,160})/.exec(plain)?.[1];
        if (message && !figures.warningMessages.includes(message) && figures.warningMessages.length < 5)
          figures.warningMessages.push(message);
      }
      this.perApp.set(app, figures);
      this.last.push(plain);
      if (this.last.length > 60) this.last.shift();
    }
  }

  counts(): Record<string, LogFigures> {
    return Object.fromEntries(this.perApp);
  }

  tail(): string {
    return this.last.join('\n');
  }
}
