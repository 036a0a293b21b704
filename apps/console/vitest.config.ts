// Component tests of the console: React in happy-dom, no services needed.
import react from '@vitejs/plugin-react';
import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineProject({
    plugins: [react()],
    test: {
      name: '@cancelflow/console',
      root: import.meta.dirname,
      environment: 'happy-dom',
      include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
      setupFiles: ['test/setup.ts'],
      testTimeout: 15_000,
    },
  }),
);
