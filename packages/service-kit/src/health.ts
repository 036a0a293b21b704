import type { Client } from '@temporalio/client';
import type { RequestHandler } from 'express';
import type { Database } from './db.ts';

/** A dependency the service needs to do its work: resolves when reachable, throws otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

/** What every service needs to work: its database and Temporal. A service adds its own beside them. */
export const serviceReadiness = (db: Database, temporal: Client): Record<string, ReadinessCheck> => ({
  database: () => db.em.fork().execute('select 1'),
  temporal: () => temporal.workflowService.getSystemInfo({}),
});

/**
 * GET /readyz: every check within its time limit -> 200 { status: 'ready', checks }; any down ->
 * 503 { status: 'unavailable', checks: { database: 'ok', temporal: 'down: ...' } }.
 */
export function readinessRoute(checks: Record<string, ReadinessCheck>, timeoutMs = 3_000): RequestHandler {
  return async (_req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await outcome(check, timeoutMs)] as const),
    );
    const ready = results.every(([, result]) => result === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: Object.fromEntries(results) });
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
