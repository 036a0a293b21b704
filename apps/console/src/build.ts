// Builds the browser app with Vite when dist/ is missing or older than its sources.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  // In a process of its own: Vite and its bundler loaded here would stay in the server's memory
  // for as long as it serves (some 150 MB of RSS).
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const output: string[] = [];
  const child = spawn(process.execPath, [vite, 'build', '--config', join(appDir, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: appDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`building the console failed (vite build exited ${code}):\n${output.join('').trim()}`);
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
