// One vitest run for the whole monorepo: a project per workspace (apps/*, packages/*, infra),
// ONE Temporal dev server and ONE PostgreSQL for all of them (infra/src/vitest-global-setup.ts).
// A workspace with its own vitest.config.ts is used as is (it merges vitest.shared.ts);
// the others get an inline project that inherits the shared options below.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, mergeConfig, type TestProjectConfiguration } from 'vitest/config';
import shared from './vitest.shared.ts';

const root = import.meta.dirname;

function workspaces(): string[] {
  const globbed = ['apps', 'packages'].flatMap((parent) =>
    existsSync(join(root, parent))
      ? readdirSync(join(root, parent), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(parent, entry.name))
      : [],
  );
  return [...globbed, 'system', 'infra'].filter((dir) => existsSync(join(root, dir, 'package.json')));
}

function project(dir: string): TestProjectConfiguration {
  const ownConfig = join(root, dir, 'vitest.config.ts');
  if (existsSync(ownConfig)) return ownConfig;
  const { name } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name?: string };
  return { test: { name: name ?? dir, root: join(root, dir) } };
}

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: workspaces().map(project),
      globalSetup: ['infra/src/vitest-global-setup.ts'],
      // Workspaces without tests yet must not fail the run.
      passWithNoTests: true,
      teardownTimeout: 30_000,
    },
  }),
);
