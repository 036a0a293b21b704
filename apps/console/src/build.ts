// Builds the browser app with Vite's JS API when dist/ is missing or older than its sources.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@cancelflow/service-kit/logger';

export const appDir = fileURLToPath(new URL('..', import.meta.url));
export const distDir = join(appDir, 'dist');
const domainDir = fileURLToPath(new URL('../../../packages/domain/src', import.meta.url));

/** Newest modification time under the given files and folders (0 when none exist). */
function newestMtime(paths: readonly string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  paths.forEach(visit);
  return newest;
}

export function isBuildStale(): boolean {
  const built = join(distDir, 'index.html');
  if (!existsSync(built)) return true;
  const sources = newestMtime([
    join(appDir, 'index.html'),
    join(appDir, 'vite.config.ts'),
    join(appDir, 'src', 'web'),
    join(appDir, 'public'),
    domainDir,
  ]);
  return sources > statSync(built).mtimeMs;
}

export async function buildConsole(logger: Logger): Promise<void> {
  const started = Date.now();
  logger.info('building the console into dist/ ...');
  const [{ build }, { consoleViteConfig }] = await Promise.all([import('vite'), import('../vite.config.ts')]);
  await build({ ...consoleViteConfig, configFile: false, logLevel: 'warn' });
  logger.info({ ms: Date.now() - started }, 'console built');
}

export async function ensureBuilt(mode: 'auto' | 'always' | 'never', logger: Logger): Promise<void> {
  if (mode === 'never') {
    if (!existsSync(join(distDir, 'index.html'))) {
      throw new Error(`CONSOLE_BUILD=never but ${distDir} has no index.html: run \`npm run build -w @cancelflow/console\``);
    }
    return;
  }
  if (mode === 'always' || isBuildStale()) await buildConsole(logger);
}
