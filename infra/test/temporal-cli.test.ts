import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadWithSdk, sdkDownloadDir, WITHOUT_TEMPORAL_CLI } from '../src/temporal-cli.ts';

describe("the Temporal SDK's download of the CLI, for a machine without Go", () => {
  const saved = { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, HTTPS_PROXY: process.env.HTTPS_PROXY };
  let cacheHome: string | undefined;
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (cacheHome) await rm(cacheHome, { recursive: true, force: true });
  });

  it('where temporal.download cannot be reached, says what to install and why the download failed, and leaves nothing behind', async () => {
    cacheHome = await mkdtemp(join(tmpdir(), 'cancelflow-cli-cache-'));
    process.env.XDG_CACHE_HOME = cacheHome;
    // A proxy that refuses every connection: the download fails here whatever the machine can reach.
    process.env.HTTPS_PROXY = 'http://127.0.0.1:1';
    const said: string[] = [];

    const failure = await downloadWithSdk((message) => said.push(message)).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Error);
    const message = (failure as Error).message;
    expect(message.startsWith(WITHOUT_TEMPORAL_CLI)).toBe(true);
    expect(message).toMatch(/The Temporal SDK's download of the CLI failed: .*temporal\.download/);
    expect(said.join('\n')).toContain(`trying the Temporal SDK's own download of the CLI (temporal.download) into ${sdkDownloadDir()}`);
    expect(sdkDownloadDir().startsWith(cacheHome)).toBe(true);
    expect(await readdir(sdkDownloadDir()).catch(() => [])).toEqual([]);
  });
});
