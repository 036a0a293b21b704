// One CancelFlow app (apps/<app>/src/main.ts) as a child process, the way `npm start` and the
// production topology run them: Node 24, its own process group (a Ctrl-C reaches us, and we stop
// the apps before the servers they use), its output prefixed line by line, SIGTERM then SIGKILL
// on stop. Optionally started again after an exit nobody asked for, as compose's
// `restart: unless-stopped` does.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo.ts';
import { onShutdown } from './shutdown.ts';

// A young generation of 4 MB instead of V8's 16: the order service's code loaded takes 159 MB of
// RSS instead of 202 (bench/README.md, "Worker settings").
const APP_NODE_FLAGS = ['--max-semi-space-size=4'];

const STOP_GRACE_MS = 10_000;

export interface AppProcessOptions {
  /** The folder under apps/. */
  app: string;
  /** What logs and messages call it, e.g. order-service#2. */
  name?: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Start it again this long after it exited unasked (crash, SIGKILL); absent: leave it down. */
  restartAfterMs?: number;
}

export interface AppProcess {
  name: string;
  pid(): number | undefined;
  alive(): boolean;
  /** How many times it was started again after an exit nobody asked for. */
  restarts(): number;
  /** Sends a signal to its process group (SIGKILL: a crash); with restartAfterMs it comes back. */
  kill(signal: NodeJS.Signals): void;
  /** Resolves on its next exit (at once when it is down). */
  exited(): Promise<void>;
  /** Stops it for good: SIGTERM, then SIGKILL after the grace period. */
  stop(): Promise<void>;
}

export function startAppProcess(options: AppProcessOptions): AppProcess {
  const name = options.name ?? options.app;
  const cwd = join(repoRoot, 'apps', options.app);
  let child: ChildProcess | undefined;
  let exit: Promise<void> = Promise.resolve();
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;

  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const kill = (signal: NodeJS.Signals) => {
    if (!alive() || !child?.pid) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  const launch = () => {
    restartTimer = undefined;
    if (stopping) return;
    const started = spawn(process.execPath, [...APP_NODE_FLAGS, 'src/main.ts'], {
      cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = started;
    exit = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    pipeLines(started.stdout, options.log);
    pipeLines(started.stderr, options.log);
    started.on('exit', (code, signal) => {
      if (stopping) return;
      if (options.restartAfterMs === undefined) {
        options.log(`exited (${signal ?? `code ${code}`}); the others keep running`);
        return;
      }
      options.log(`exited (${signal ?? `code ${code}`}); starting it again in ${options.restartAfterMs} ms`);
      restarts += 1;
      restartTimer = setTimeout(launch, options.restartAfterMs);
    });
  };
  launch();

  const stop = async () => {
    stopping = true;
    if (restartTimer) clearTimeout(restartTimer);
    if (!alive()) return;
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), STOP_GRACE_MS);
    await exit;
    clearTimeout(timer);
  };
  const unregister = onShutdown({ name, stop, killSync: () => kill('SIGTERM') });

  return {
    name,
    pid: () => (alive() ? child?.pid : undefined),
    alive,
    restarts: () => restarts,
    kill,
    exited: () => exit,
    stop: async () => {
      unregister();
      await stop();
    },
  };
}

export function pipeLines(stream: NodeJS.ReadableStream | null, log: (line: string) => void): void {
  if (!stream) return;
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
