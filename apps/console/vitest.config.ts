// Component tests of the console (React in happy-dom, no services needed) and, in e2e/, browser
// tests in a real headless Chromium against the whole system (they say `@vitest-environment node`).
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
      include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'e2e/**/*.test.ts'],
      setupFiles: ['test/setup.ts'],
      testTimeout: 15_000,
    },
  }),
);
