// Finds the `temporal` CLI, or builds it once with `go install` into a cache outside the repo.
//
// Order: $TEMPORAL_CLI, then `temporal` on PATH, then the cache
// ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-cli-v1.5.1/temporal, then a CLI the Temporal
// SDK downloaded before; else build it with Go (go-install.ts: a temporary folder renamed into
// place when complete), or, on a machine without Go, the SDK's own download of the CLI
// (TestWorkflowEnvironment's `cached-download`, from temporal.download) into
// ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-cli-sdk-download.
// v1.5.1 is pinned because newer tags carry a `replace` directive that `go install` refuses.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { answers, cancelflowCacheDir, findGo, findOnPath, goInstallIntoCache, isExecutable } from './go-install.ts';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** What a machine with neither the CLI nor Go needs, said before anything else starts. */
export const WITHOUT_TEMPORAL_CLI =
  'CancelFlow needs the Temporal CLI (`temporal`), and this machine has neither it nor Go to build it. Install one of:\n' +
  '  - the Temporal CLI: https://docs.temporal.io/cli#install (e.g. `brew install temporal`, or ' +
  '`curl -sSf https://temporal.download/cli.sh | sh` and add ~/.temporalio/bin to PATH), then run this again;\n' +
  `  - or Go 1.25+ (https://go.dev/dl): the CLI ${TEMPORAL_CLI_VERSION} is then built once into ${cancelflowCacheDir(`temporal-cli-${TEMPORAL_CLI_VERSION}`)};\n` +
  '  - or point TEMPORAL_CLI at a `temporal` binary, or TEMPORAL_ADDRESS at a running Temporal server.';

export interface EnsureTemporalCliOptions {
  log?: (message: string) => void;
}

/** Where the built CLI is cached: ${XDG_CACHE_HOME:-~/.cache}/cancelflow/temporal-cli-v1.5.1 */
export function temporalCliCacheDir(): string {
  return cancelflowCacheDir(`temporal-cli-${TEMPORAL_CLI_VERSION}`);
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
  const isWorkingCli = (dir: string) => answersAsCli(join(dir, 'temporal'));
  if (await isWorkingCli(cacheDir)) return cached;
  const downloaded = await downloadedCli();
  if (downloaded) return downloaded;
  if (!(await findGo())) return downloadWithSdk(log);

  await goInstallIntoCache({
    label: `the Temporal CLI ${TEMPORAL_CLI_VERSION}`,
    cacheDir,
    packages: [`${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
    isComplete: isWorkingCli,
    withoutGo: WITHOUT_TEMPORAL_CLI,
    log,
  });
  if (!(await isWorkingCli(cacheDir))) {
    throw new Error(`the Temporal CLI built into ${cached} does not run: delete ${cacheDir} and try again`);
  }
  return cached;
}

/** Where the Temporal SDK's download of the CLI is kept. */
export function sdkDownloadDir(): string {
  return cancelflowCacheDir('temporal-cli-sdk-download');
}

const answersAsCli = (path: string) => answers(path, ['--version'], 'temporal version');

/** The CLI the SDK downloaded before, if it runs. */
async function downloadedCli(): Promise<string | undefined> {
  const names = await readdir(sdkDownloadDir()).catch(() => [] as string[]);
  for (const name of names) {
    const path = join(sdkDownloadDir(), name);
    if (await answersAsCli(path)) return path;
  }
  return undefined;
}

/**
 * The SDK's own download of the CLI, for a machine without Go: the test environment starts a dev
 * server with the binary it downloads into the folder given, and the binary stays there.
 * Where temporal.download cannot be reached, the error says what to install and why the
 * download failed.
 */
export async function downloadWithSdk(log: (message: string) => void): Promise<string> {
  log(`no Temporal CLI and no Go here: trying the Temporal SDK's own download of the CLI (temporal.download) into ${sdkDownloadDir()} ...`);
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const environment = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir: sdkDownloadDir() }, ui: false },
    });
    await environment.teardown();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${WITHOUT_TEMPORAL_CLI}\n(The Temporal SDK's download of the CLI failed: ${reason})`);
  }
  const downloaded = await downloadedCli();
  if (!downloaded) throw new Error(`${WITHOUT_TEMPORAL_CLI}\n(The Temporal SDK's download left no working CLI in ${sdkDownloadDir()})`);
  log(`downloaded the Temporal CLI: ${downloaded}`);
  return downloaded;
}
