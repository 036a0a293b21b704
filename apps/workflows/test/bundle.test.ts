// Every module of the workflow bundle is evaluated again for each workflow the worker starts (or
// takes back after evicting it), so what the workflows import is kept light: the domain rules
// they use keep their schemas apart (packages/domain/src/schemas), and zod, the heaviest module
// there is, is not bundled.
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../src/bundle.ts';

describe('the workflow bundle', () => {
  it('carries no zod', async () => {
    const { code } = await workflowBundle();
    expect(code).toContain('./apps/workflows/src/cancellation.ts');
    expect(code.match(/"\.\/node_modules\/zod\/[^"]+"/g) ?? []).toEqual([]);
  });
});
