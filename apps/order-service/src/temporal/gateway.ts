/**
 * The order service's one way to its processes: start, ask for the live state, send an update or
 * a signal. Every call waits at most the service's deadline; a start that finds its process
 * already running is the same start; Temporal's failures become the domain errors the HTTP layer
 * maps once: a process that refuses an update answers with its own error type, a process that has
 * ended is a conflict (409), Temporal unreachable or too slow is unavailable (503).
 */
import { WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type QueryDefinition,
  type SignalDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
import {
  ACTIVITY_FAILURES,
  ConflictError,
  NotFoundError,
  RuleViolationError,
  TASK_QUEUES,
  UnavailableError,
  type DomainError,
} from '@cancelflow/domain';
import type { ServiceDeps } from '../deps.ts';

export type GatewayDeps = Pick<ServiceDeps, 'temporal' | 'logger' | 'temporalTimeoutMs' | 'liveStateTimeoutMs'>;

const withinDeadline = <T>(deps: GatewayDeps, call: () => Promise<T>, ms = deps.temporalTimeoutMs): Promise<T> =>
  deps.temporal.withDeadline(Date.now() + ms, call);

/** A start that found the process already running: the id names the process, so it is the same one. */
export type Started = 'STARTED' | 'ALREADY_RUNNING';

/**
 * Starts a process of this service (they are all worked on the cancellations queue). `unreachable`
 * is the 503's message when Temporal cannot take it.
 */
export async function startProcess(
  deps: GatewayDeps,
  start: { type: string; workflowId: string; args: unknown[]; unreachable: string },
): Promise<Started> {
  try {
    await withinDeadline(deps, () =>
      deps.temporal.workflow.start(start.type, { taskQueue: TASK_QUEUES.cancellations, workflowId: start.workflowId, args: start.args }),
    );
    return 'STARTED';
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return 'ALREADY_RUNNING';
    deps.logger.warn({ err: error, workflowId: start.workflowId }, `could not start ${start.type}`);
    throw new UnavailableError(start.unreachable);
  }
}

/**
 * The running process's own view, best effort and within the shorter live-state deadline: left
 * out (the stored state answers alone) when the process has ended or cannot be reached.
 */
export async function liveState<T>(deps: GatewayDeps, workflowId: string, query: QueryDefinition<T, []>): Promise<T | undefined> {
  try {
    const handle = deps.temporal.workflow.getHandle(workflowId);
    return await withinDeadline(
      deps,
      async () => {
        const description = await handle.describe();
        if (description.status.name !== 'RUNNING') return undefined;
        return handle.query(query);
      },
      deps.liveStateTimeoutMs,
    );
  } catch {
    return undefined;
  }
}

/** How the answers of a call to a process read. */
export interface ProcessAnswers {
  /** The process as the messages name it: "the cancellation process". */
  process: string;
  /** The 409's message when the process has ended (a function when it has to look something up). */
  ended: string | (() => Promise<string>);
  /** What a refusal says before the process's own reason ("the refund cannot be retried"). */
  refused?: string;
  /** The 503's message when Temporal cannot be reached, if it says more than "try again shortly". */
  unreachable?: string;
}

/** Sends an update and waits for its answer; a refusal keeps the process's own error type. */
export async function updateProcess<Ret, Args extends [unknown, ...unknown[]]>(
  deps: GatewayDeps,
  workflowId: string,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  answers: ProcessAnswers,
): Promise<Ret> {
  try {
    return await withinDeadline(deps, () => deps.temporal.workflow.getHandle(workflowId).executeUpdate(update, { args }));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const reason = error.cause?.message ?? error.message;
      throw refusal(error.cause, answers.refused ? `${answers.refused}: ${reason}` : reason);
    }
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      throw new UnavailableError(`${answers.process} did not answer in time: try again shortly`);
    }
    if (error instanceof WorkflowNotFoundError) {
      throw new ConflictError(typeof answers.ended === 'string' ? answers.ended : await answers.ended());
    }
    deps.logger.warn({ err: error, workflowId, update: update.name }, `the update to ${answers.process} failed`);
    throw new UnavailableError(unreachable(answers));
  }
}

/** Sends a signal; a process that has ended hears nothing and says so (NOT_RUNNING), the caller decides. */
export async function signalProcess<Args extends unknown[]>(
  deps: GatewayDeps,
  workflowId: string,
  signal: SignalDefinition<Args>,
  args: Args,
  answers: Pick<ProcessAnswers, 'process' | 'unreachable'>,
): Promise<'SENT' | 'NOT_RUNNING'> {
  try {
    await withinDeadline(deps, () => deps.temporal.workflow.getHandle(workflowId).signal(signal, ...args));
    return 'SENT';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return 'NOT_RUNNING';
    deps.logger.warn({ err: error, workflowId, signal: signal.name }, `could not signal ${answers.process}`);
    throw new UnavailableError(unreachable(answers));
  }
}

const unreachable = (answers: Pick<ProcessAnswers, 'process' | 'unreachable'>): string =>
  answers.unreachable ?? `${answers.process} cannot be reached now (Temporal is unreachable): try again shortly`;

/** The process's refusal as the domain error of its type; any other refusal collides with its state. */
function refusal(cause: Error | undefined, message: string): DomainError {
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  if (type === ACTIVITY_FAILURES.ruleViolation) return new RuleViolationError(message);
  if (type === ACTIVITY_FAILURES.notFound) return new NotFoundError(message);
  return new ConflictError(message);
}
