// Finds the `temporal` CLI, or builds it once with `go install` into a cache outside the repo.
//
// Order: $TEMPORAL_CLI, then `temporal` on PATH, then the cache
// ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-cli-v1.5.1/temporal, else build it there.
// v1.5.1 is pinned because newer tags carry a `replace` directive that `go install` refuses.
// The build goes into a temporary folder beside the cache and is renamed into place when it
// is complete, so a half-built binary is never used; Go's own module and build caches stay
// where Go keeps them by default (outside the repo).

import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const BUILD_WAIT_LIMIT_MS = 45 * 60_000;
const POLL_MS = 2_000;

const execFileAsync = promisify(execFile);

export interface EnsureTemporalCliOptions {
  log?: (message: string) => void;
}

/** Where the built CLI is cached: ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-cli-v1.5.1 */
export function temporalCliCacheDir(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'cancelflow', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

let pending: Promise<string> | undefined;

/** Returns the path of a working `temporal` binary, building it on first use. */
export function ensureTemporalCli(options: EnsureTemporalCliOptions = {}): Promise<string> {
  pending ??= findOrBuild(options);
  // A failed attempt may be retried by a later call.
  pending.catch(() => (pending = undefined));
  return pending;
}

async function findOrBuild(options: EnsureTemporalCliOptions): Promise<string> {
  const log = options.log ?? ((message: string) => process.stderr.write(`[temporal-cli] ${message}\n`));

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) {
      throw new Error(`TEMPORAL_CLI=${fromEnv} is not an executable file: fix the path or unset TEMPORAL_CLI`);
    }
    return fromEnv;
  }

  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;

  const cacheDir = temporalCliCacheDir();
  const cached = join(cacheDir, 'temporal');
  if (await isWorkingCli(cached)) return cached;

  await buildIntoCache(cacheDir, log);
  if (!(await isWorkingCli(cached))) {
    throw new Error(`the Temporal CLI built into ${cached} does not run: delete ${cacheDir} and try again`);
  }
  return cached;
}

async function buildIntoCache(cacheDir: string, log: (message: string) => void): Promise<void> {
  const cached = join(cacheDir, 'temporal');
  const lockDir = `${cacheDir}.lock`;
  await mkdir(join(cacheDir, '..'), { recursive: true });

  // One builder at a time: the lock folder is taken atomically by mkdir. Whoever does not
  // get it waits for the builder (another test run, or a `go install` started by hand).
  const startedWaiting = Date.now();
  let announced = false;
  for (;;) {
    const other = await foreignGoInstall();
    if (!other && (await takeLock(lockDir))) break;
    if (await isWorkingCli(cached)) return;
    if (!announced) {
      log(`waiting for the Temporal CLI ${TEMPORAL_CLI_VERSION} build already running (${other ?? 'lock ' + lockDir}) ...`);
      announced = true;
    }
    if (Date.now() - startedWaiting > BUILD_WAIT_LIMIT_MS) {
      throw new Error(`gave up waiting for the Temporal CLI build (${other ?? lockDir}): stop it, or set TEMPORAL_CLI`);
    }
    await sleep(POLL_MS);
  }

  try {
    if (await isWorkingCli(cached)) return; // built while we waited for the lock
    const go = await findGo();
    if (!go) {
      throw new Error(
        'no `temporal` binary found and no Go toolchain to build one: install Go (https://go.dev/dl) ' +
          'or the Temporal CLI, or point TEMPORAL_CLI at a `temporal` binary',
      );
    }
    const buildDir = await mkdtemp(`${cacheDir}.build-`);
    const started = Date.now();
    log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (first run only, a few minutes) ...`);
    log(`into ${cacheDir}`);
    const heartbeat = setInterval(() => log(`still building (${Math.round((Date.now() - started) / 1000)}s) ...`), 30_000);
    try {
      await run(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], { ...process.env, GOBIN: buildDir }, log);
      await mkdir(cacheDir, { recursive: true });
      await rename(join(buildDir, 'temporal'), cached);
      log(`built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)}s: ${cached}`);
    } finally {
      clearInterval(heartbeat);
      await rm(buildDir, { recursive: true, force: true });
    }
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

/** Takes the build lock; frees a lock whose owner died. False when a live builder holds it. */
async function takeLock(lockDir: string): Promise<boolean> {
  try {
    await mkdir(lockDir);
    await writeFile(join(lockDir, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = Number.parseInt(await readFile(join(lockDir, 'pid'), 'utf8').catch(() => ''), 10);
  const age = Date.now() - (await stat(lockDir).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
  // No pid yet: the owner is between mkdir and writeFile, unless that was long ago.
  const dead = owner ? !isAlive(owner) : age > 60_000;
  if (dead) await rm(lockDir, { recursive: true, force: true });
  return false;
}

/** A `go install` of the same module started outside this code (Linux only: reads /proc). */
async function foreignGoInstall(): Promise<string | undefined> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (args.includes('install') && args.includes(`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`)) {
      // Ours have GOBIN set to a *.build-* folder beside the cache; theirs is someone else's.
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
      if (/(^|\0)GOBIN=[^\0]*temporal-cli-v[^\0]*\.build-/.test(environ)) continue;
      return `go install, pid ${entry}`;
    }
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function findGo(): Promise<string | undefined> {
  return (await findOnPath('go')) ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
}

async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function isWorkingCli(path: string): Promise<boolean> {
  if (!(await isExecutable(path))) return false;
  try {
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 30_000 });
    return stdout.includes('temporal version');
  } catch {
    return false;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, log: (message: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-20_000);
      for (const line of text.split('\n')) if (line.trim()) log(`  ${line}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
