import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.ts';
import { MEASURED_WORKER_DEFAULTS, workerTuningFromEnv } from '../src/worker-tuning.ts';

describe('worker settings from the environment', () => {
  it('a workflows worker gets the cache, task slots and pollers asked for', () => {
    expect(
      workerTuningFromEnv(
        {
          TEMPORAL_MAX_CACHED_WORKFLOWS: '100',
          TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
          TEMPORAL_WORKFLOW_TASK_POLLERS: '2',
        },
        true,
      ),
    ).toMatchObject({
      maxCachedWorkflows: 100,
      maxConcurrentWorkflowTaskExecutions: 8,
      workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 2 },
    });
  });

  it('an activity worker leaves the workflow settings alone', () => {
    const options = workerTuningFromEnv(
      { TEMPORAL_MAX_CACHED_WORKFLOWS: '100', TEMPORAL_MAX_CONCURRENT_ACTIVITIES: '20', TEMPORAL_ACTIVITY_TASK_POLLERS: '3' },
      false,
    );
    expect(options).not.toHaveProperty('maxCachedWorkflows');
    expect(options).toMatchObject({
      maxConcurrentActivityTaskExecutions: 20,
      activityTaskPollerBehavior: { type: 'simple-maximum', maximum: 3 },
    });
  });

  it('unset, the measured defaults (or the SDK own) apply', () => {
    const options = workerTuningFromEnv({}, true);
    expect(options.maxCachedWorkflows).toBe(MEASURED_WORKER_DEFAULTS.TEMPORAL_MAX_CACHED_WORKFLOWS);
    expect(options.maxConcurrentActivityTaskExecutions).toBe(MEASURED_WORKER_DEFAULTS.TEMPORAL_MAX_CONCURRENT_ACTIVITIES);
  });

  it('a bad value stops the start naming the variable', () => {
    expect(() => workerTuningFromEnv({ TEMPORAL_WORKFLOW_TASK_POLLERS: 'many' }, true)).toThrow(
      new ConfigError('TEMPORAL_WORKFLOW_TASK_POLLERS must be a whole number of at least 1, got "many"'),
    );
    expect(() => workerTuningFromEnv({ TEMPORAL_MAX_CONCURRENT_WORKFLOW_TASKS: '1' }, true)).toThrow(ConfigError);
  });
});
