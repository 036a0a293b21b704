import { type Client, Connection } from '@temporalio/client';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { Database } from './db.ts';
import type { RunningWorker } from './worker.ts';

/** What orchestrators and Prometheus poll: never rate limited, their answers logged at debug. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** A dependency the service needs to do its work: resolves when reachable, throws otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

/**
 * What every service needs to work: its database, Temporal, and its workers polling (read at
 * each probe: a service starts them after its routes). A service adds its own checks beside them.
 */
export const serviceReadiness = (db: Database, temporal: Client, workers: readonly RunningWorker[]): Record<string, ReadinessCheck> => ({
  database: () => db.em.fork().execute('select 1'),
  temporal: () =>
    temporal.connection instanceof Connection
      ? temporalAnswers(temporal.connection.options.address)
      : temporal.workflowService.getSystemInfo({}),
  workers: async () => {
    const waiting = workers.filter((worker) => !worker.polling()).map((worker) => worker.taskQueue);
    if (waiting.length > 0) throw new Error(`not polling yet: ${waiting.join(', ')}`);
  },
});

/** Inside the readiness check's own time limit, so a probe never outlives the check. */
const TEMPORAL_PROBE_MS = 2_500;

/**
 * Temporal answers, asked on a connection of the probe's own without the client's retries: a
 * retry still waiting when the service closes its client would call into a closed channel (an
 * uncaught error), and a probe of a Temporal that is away need not wait out retries.
 */
async function temporalAnswers(address: string): Promise<void> {
  const probe = Connection.lazy({ address, interceptors: [] });
  try {
    await probe.withDeadline(Date.now() + TEMPORAL_PROBE_MS, () => probe.workflowService.getSystemInfo({}));
  } finally {
    await probe.close();
  }
}

/**
 * GET /readyz: every check within its time limit -> 200 { status: 'ready', checks }; any down ->
 * 503 { status: 'unavailable', checks: { database: 'ok', temporal: 'down: ...' } }. A probe asks
 * every few seconds: the log says when readiness changes (a warning when it is lost, with what is
 * down), not at each probe.
 */
export function readinessRoute(checks: Record<string, ReadinessCheck>, logger?: Logger, timeoutMs = 3_000): RequestHandler {
  let wasReady: boolean | undefined;
  return async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await outcome(check, timeoutMs)] as const),
    );
    const ready = results.every(([, result]) => result === 'ok');
    const answer = { status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) } as const;
    if (!ready && wasReady !== false) logger?.warn({ checks: answer.checks }, 'not ready');
    if (ready && wasReady === false) logger?.info({ checks: answer.checks }, 'ready again');
    wasReady = ready;
    res.status(ready ? 200 : 503).json(answer);
  };
}

async function outcome(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return `down: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
