// Builds Go programs once with `go install` into a cache folder outside the repo, for the
// Temporal CLI and the Temporal server alike.
//
// The build goes into a temporary folder beside the cache (GOBIN) and the folder is renamed
// into place when it is complete, so a half-built binary is never used. One builder at a time:
// a lock folder taken atomically by mkdir, and a `go install` of the same module started by
// hand is waited for too. Go's own module and build caches stay where Go keeps them.

import { execFile, spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const BUILD_WAIT_LIMIT_MS = 45 * 60_000;
const POLL_MS = 2_000;

const execFileAsync = promisify(execFile);

export interface GoInstall {
  /** What is built, for messages: "the Temporal CLI v1.5.1". */
  label: string;
  /** The cache folder the result lives in. */
  cacheDir: string;
  /** module/path@version arguments of `go install` (one module version). */
  packages: string[];
  /** True when the cache folder holds a working result. */
  isComplete: (dir: string) => Promise<boolean>;
  /** Runs in the build folder after `go install` (rename binaries, copy files beside them). */
  finish?: (buildDir: string, go: string) => Promise<void>;
  /** What to tell a person who has no Go (the error when there is none). */
  withoutGo: string;
  log: (message: string) => void;
}

/** ${XDG_CACHE_HOME:-~/.cache}/cancelflow/<name> */
export function cancelflowCacheDir(name: string): string {
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'cancelflow', name);
}

/** Builds into the cache unless a complete result is there already. */
export async function goInstallIntoCache(build: GoInstall): Promise<void> {
  const { cacheDir, log } = build;
  const lockDir = `${cacheDir}.lock`;
  await mkdir(join(cacheDir, '..'), { recursive: true });

  const startedWaiting = Date.now();
  let announced = false;
  for (;;) {
    const other = await foreignGoInstall(build.packages, basename(cacheDir));
    if (!other && (await takeLock(lockDir))) break;
    if (await build.isComplete(cacheDir)) return;
    if (!announced) {
      log(`waiting for the build of ${build.label} already running (${other ?? `lock ${lockDir}`}) ...`);
      announced = true;
    }
    if (Date.now() - startedWaiting > BUILD_WAIT_LIMIT_MS) {
      throw new Error(`gave up waiting for the build of ${build.label} (${other ?? lockDir}): stop it and try again`);
    }
    await sleep(POLL_MS);
  }

  try {
    if (await build.isComplete(cacheDir)) return; // built while we waited for the lock
    const go = await findGo();
    if (!go) throw new Error(build.withoutGo);
    const buildDir = await mkdtemp(`${cacheDir}.build-`);
    const started = Date.now();
    log(`building ${build.label} with go install (first run only, a few minutes) ...`);
    log(`into ${cacheDir}`);
    const heartbeat = setInterval(() => log(`still building (${Math.round((Date.now() - started) / 1000)}s) ...`), 30_000);
    try {
      await run(go, ['install', ...build.packages], { ...process.env, GOBIN: buildDir }, log);
      await build.finish?.(buildDir, go);
      // Whatever is in the way is incomplete (isComplete said so): replace it as a whole.
      await rm(cacheDir, { recursive: true, force: true });
      await rename(buildDir, cacheDir);
      log(`built ${build.label} in ${Math.round((Date.now() - started) / 1000)}s: ${cacheDir}`);
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

/** A `go install` of the same packages started outside this code (Linux only: reads /proc). */
async function foreignGoInstall(packages: string[], cacheName: string): Promise<string | undefined> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const args = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (args.includes('install') && packages.some((p) => args.includes(p))) {
      // Ours have GOBIN set to a *.build-* folder beside the cache, and hold the lock.
      const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
      if (environ.split('\0').some((v) => v.startsWith('GOBIN=') && basename(v).startsWith(`${cacheName}.build-`))) continue;
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

export async function findGo(): Promise<string | undefined> {
  return (await findOnPath('go')) ?? ((await isExecutable('/usr/local/go/bin/go')) ? '/usr/local/go/bin/go' : undefined);
}

export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `path args`, true when it exits 0 and prints `expected` within 30 s. */
export async function answers(path: string, args: string[], expected: string): Promise<boolean> {
  if (!(await isExecutable(path))) return false;
  try {
    const { stdout, stderr } = await execFileAsync(path, args, { timeout: 30_000 });
    return `${stdout}${stderr}`.includes(expected);
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
