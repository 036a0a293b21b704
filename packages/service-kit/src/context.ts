import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a log line is about: the ids of the request or activity it was written in. Every logger
 * made by createLogger adds the current context to each line (pino mixin), so handlers and
 * activities log as usual and the ids come along.
 */
export interface LogContext {
  requestId?: string;
  orderId?: string;
  cancellationId?: string;
  cancellationRequestId?: string;
  workflowId?: string;
  runId?: string;
  activityType?: string;
  activityId?: string;
  attempt?: number;
  [key: string]: string | number | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs fn with its own log context (a copy of the surrounding one plus `fields`). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...defined(fields) }, fn);
}

/** Adds ids to the current context: the next lines of this request or activity carry them. */
export function addLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, defined(fields));
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** The business ids in an input or an answer (an activity's argument, a JSON body), if any. */
export function idsIn(value: unknown): LogContext {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const source = value as Record<string, unknown>;
  const ids: LogContext = {};
  for (const key of ['orderId', 'cancellationId', 'cancellationRequestId', 'workflowId'] as const) {
    const id = source[key];
    if (typeof id === 'string' && id.length > 0 && id.length <= 200) ids[key] = id;
  }
  return ids;
}

function defined(fields: LogContext): LogContext {
  const out: LogContext = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}
