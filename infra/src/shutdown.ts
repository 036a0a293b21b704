// One place that stops what this process started (servers, child processes) when it
// ends: on SIGINT / SIGTERM / SIGHUP every registered resource is stopped, last started
// first, then the process exits; on a plain `exit` the synchronous fallbacks run so no
// child process outlives us.

export interface Resource {
  name: string;
  /** Graceful stop; awaited on a signal, last registered first. */
  stop: () => Promise<void>;
  /** Synchronous last resort on process exit (e.g. send SIGTERM to a child). */
  killSync?: () => void;
}

const STOP_TIMEOUT_MS = 15_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const EXIT_CODES: Record<(typeof SIGNALS)[number], number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

const resources: Resource[] = [];
let handlersInstalled = false;
let stopping: Promise<void> | undefined;
let firstSignalAt = 0;
// A Ctrl-C under `npm run` reaches a process twice (from the terminal and forwarded by npm):
// only a second signal well after the first one means "stop waiting".
const DUPLICATE_SIGNAL_MS = 1_500;

/** Registers a resource to stop on process end; returns a function that unregisters it. */
export function onShutdown(resource: Resource): () => void {
  installHandlers();
  resources.push(resource);
  return () => {
    const index = resources.indexOf(resource);
    if (index >= 0) resources.splice(index, 1);
  };
}

/** Stops every registered resource, last registered first. Safe to call more than once. */
export function stopAll(log: (message: string) => void = logToStderr): Promise<void> {
  stopping ??= (async () => {
    while (resources.length > 0) {
      const resource = resources.pop()!;
      try {
        await withTimeout(resource.stop(), STOP_TIMEOUT_MS, `${resource.name} did not stop in time`);
      } catch (error) {
        log(`failed to stop ${resource.name}: ${error instanceof Error ? error.message : String(error)}`);
        resource.killSync?.();
      }
    }
  })();
  return stopping;
}

/** Installs the signal and exit handlers (done by onShutdown too). */
export function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopping) {
        if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
        logToStderr(`${signal} again: killing what is left`);
        killAllSync();
        process.exit(EXIT_CODES[signal]);
      }
      firstSignalAt = Date.now();
      void stopAll().finally(() => process.exit(EXIT_CODES[signal]));
    });
  }
  process.on('exit', killAllSync);
}

function killAllSync(): void {
  for (const resource of [...resources].reverse()) {
    try {
      resource.killSync?.();
    } catch {
      // exiting anyway
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function logToStderr(message: string): void {
  process.stderr.write(`[infra] ${message}\n`);
}
