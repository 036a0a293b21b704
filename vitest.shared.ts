// Test options every workspace shares. The root vitest.config.ts gives them to workspaces
// without their own config; a workspace with its own vitest.config.ts merges them:
//
//   import { defineProject, mergeConfig } from 'vitest/config';
//   import shared from '../../vitest.shared.ts';
//   export default mergeConfig(shared, defineProject({ test: { /* its own */ } }));

import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The Temporal SDK's native bridge crashes in worker threads: one process per test file.
    pool: 'forks',
    // Tests start real services, workers and workflows against a real Temporal and PostgreSQL.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
