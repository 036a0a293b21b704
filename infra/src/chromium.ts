// The console's end-to-end tests drive a real headless Chromium: Debian's `chromium` package,
// never a browser download. `npm test` installs it when it is missing and it can (root with
// apt-get, as on CI); otherwise those tests fail, saying how to install it.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/** The Chromium binary to drive: CHROMIUM_PATH, else the first of the usual names on PATH. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
    if (found) return found;
  }
  return undefined;
}

/** Finds Chromium, installing Debian's package first when missing and this process may. */
export function ensureChromium(log: (message: string) => void): string | undefined {
  const found = findChromium();
  if (found) return found;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).stdout.trim();
  if (!root || !apt) {
    log(
      'no Chromium, and installing it needs root and apt-get: the console end-to-end tests will fail (apt-get install chromium, or set CHROMIUM_PATH)',
    );
    return undefined;
  }
  log("installing Debian's chromium for the console end-to-end tests (apt-get) ...");
  const install = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'], {
    encoding: 'utf8',
  });
  if (install.status !== 0) {
    log(
      `apt-get could not install chromium (exit ${install.status}):\n${(install.stdout + install.stderr).split('\n').slice(-20).join('\n')}`,
    );
    return undefined;
  }
  return findChromium();
}
