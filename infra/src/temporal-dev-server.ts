// Starts the Temporal CLI's dev server (`temporal server start-dev`): the real Temporal server
// with SQLite, in memory unless a database file is given, and its web UI.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort, requirePort } from './free-port.ts';
import { onShutdown } from './shutdown.ts';
import { ensureTemporalCli } from './temporal-cli.ts';

export interface TemporalDevServerOptions {
  /** gRPC frontend port; a free one when omitted. */
  port?: number;
  /** Web UI port; a free one when omitted; false for no UI. */
  uiPort?: number | false;
  /** SQLite file for persistent state; in memory when omitted. */
  dbFilename?: string;
  /** Namespaces created at start besides "default". */
  namespaces?: string[];
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface TemporalDevServer {
  /** host:port of the gRPC frontend, what TEMPORAL_ADDRESS holds. */
  address: string;
  /** URL of the web UI, undefined when started without it. */
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

// Dev-server settings that tests rely on: search attributes visible at once after
// registration, and the update-with-start / multi-operation APIs enabled.
const DYNAMIC_CONFIG = [
  'system.forceSearchAttributesCacheRefreshOnRead=true',
  'frontend.enableUpdateWorkflowExecution=true',
  'frontend.enableExecuteMultiOperation=true',
];

export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[temporal] ${message}\n`));
  const cli = await ensureTemporalCli({ log });

  const port = options.port === undefined ? await freePort() : await requirePort(options.port, 'Temporal');
  const uiPort =
    options.uiPort === false
      ? undefined
      : options.uiPort === undefined
        ? await freePort()
        : await requirePort(options.uiPort, 'the Temporal web UI');

  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(port), '--log-level', 'warn'];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (options.dbFilename) {
    await mkdir(dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  for (const namespace of options.namespaces ?? []) args.push('--namespace', namespace);
  for (const value of DYNAMIC_CONFIG) args.push('--dynamic-config-value', value);

  // Own process group: a Ctrl-C in the terminal reaches us, and we stop the server after
  // the workers that still talk to it.
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = captureOutput(child, log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    }
  };

  const stop = async () => {
    output.mute();
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const unregister = onShutdown({ name: 'Temporal dev server', stop, killSync: () => kill('SIGTERM') });

  const address = `${HOST}:${port}`;
  try {
    await waitUntilServing(address, child, output.tail, options.startTimeoutMs ?? 60_000, {
      what: 'Temporal dev server',
      namespace: 'default',
      pollMs: 250,
    });
  } catch (error) {
    unregister();
    await stop();
    throw error;
  }

  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`,
    stop: async () => {
      unregister();
      await stop();
    },
  };
}

/** How a starting Temporal server is waited for: its name in messages, the namespace it must answer for. */
export interface ServingCheck {
  what: string;
  /** Answered only once the frontend is up and this namespace is registered. */
  namespace: string;
  pollMs: number;
}

/** Waits until a Temporal frontend started as `child` answers for the namespace; fails at once when it exits. */
export async function waitUntilServing(
  address: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
  check: ServingCheck,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${check.what} exited (${child.signalCode ?? `exit ${child.exitCode}`}):\n${output()}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      await connection.workflowService.describeNamespace({ namespace: check.namespace });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, check.pollMs));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(`${check.what} at ${address} did not answer within ${timeoutMs / 1000}s: ${String(lastError)}\n${output()}`);
}

/**
 * Keeps the tail of the server's output for error messages, and forwards its log (warnings
 * and errors only, given --log-level warn) until it is being stopped: the noise of a server
 * shutting down is nobody's problem.
 */
function captureOutput(child: ChildProcess, log: (message: string) => void): { tail: () => string; mute: () => void } {
  let tail = '';
  let muted = false;
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-10_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', (chunk: Buffer) => {
    keep(chunk);
    if (muted) return;
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) log(line);
  });
  return { tail: () => tail, mute: () => (muted = true) };
}
