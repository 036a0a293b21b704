import type { WorkerOptions } from '@temporalio/worker';
import { ConfigError } from './config.ts';

/**
 * The Temporal worker settings a process may tune by environment, each unset by default (the
 * SDK's own default) unless bench/README.md measured a better one, which is then written here.
 */
export const WORKER_TUNING_VARIABLES = {
  /** Workflows kept in memory between their tasks (sticky cache); only workers that run workflows. */
  TEMPORAL_MAX_CACHED_WORKFLOWS: 'maxCachedWorkflows',
  /** Workflow tasks run at once. */
  TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: 'maxConcurrentWorkflowTaskExecutions',
  /** Activities run at once. */
  TEMPORAL_MAX_CONCURRENT_ACTIVITIES: 'maxConcurrentActivityTaskExecutions',
  /** Long polls open for workflow tasks. */
  TEMPORAL_WORKFLOW_TASK_POLLERS: 'workflowTaskPollerBehavior',
  /** Long polls open for activity tasks. */
  TEMPORAL_ACTIVITY_TASK_POLLERS: 'activityTaskPollerBehavior',
} as const;

type TunedOptions = Pick<
  WorkerOptions,
  | 'maxCachedWorkflows'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxConcurrentActivityTaskExecutions'
  | 'workflowTaskPollerBehavior'
  | 'activityTaskPollerBehavior'
>;

/**
 * Defaults chosen by measurement (bench/README.md, "Worker settings"); the environment overrides
 * them. None yet: a cache of 100 (the SDK's heap-based default is some 2,400 here) kept the
 * workflows process neither smaller nor faster, and cost it replays.
 */
export const MEASURED_WORKER_DEFAULTS: Partial<Record<keyof typeof WORKER_TUNING_VARIABLES, number>> = {};

/** The worker options the environment asks for; those of workflows only when the worker runs workflows. */
export function workerTuningFromEnv(env: NodeJS.ProcessEnv, runsWorkflows: boolean): TunedOptions {
  const read = (name: keyof typeof WORKER_TUNING_VARIABLES, minimum: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return MEASURED_WORKER_DEFAULTS[name];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < minimum) {
      throw new ConfigError(`${name} must be a whole number of at least ${minimum}, got "${raw}"`);
    }
    return value;
  };
  const options: TunedOptions = {};
  const cached = read('TEMPORAL_MAX_CACHED_WORKFLOWS', 0);
  const workflowTasks = read('TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS', 2);
  const workflowPollers = read('TEMPORAL_WORKFLOW_TASK_POLLERS', 1);
  const activities = read('TEMPORAL_MAX_CONCURRENT_ACTIVITIES', 1);
  const activityPollers = read('TEMPORAL_ACTIVITY_TASK_POLLERS', 1);
  if (runsWorkflows) {
    if (cached !== undefined) options.maxCachedWorkflows = cached;
    if (workflowTasks !== undefined) options.maxConcurrentWorkflowTaskExecutions = workflowTasks;
    if (workflowPollers !== undefined) options.workflowTaskPollerBehavior = { type: 'simple-maximum', maximum: workflowPollers };
  }
  if (activities !== undefined) options.maxConcurrentActivityTaskExecutions = activities;
  if (activityPollers !== undefined) options.activityTaskPollerBehavior = { type: 'simple-maximum', maximum: activityPollers };
  return options;
}
