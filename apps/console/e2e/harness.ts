// End-to-end harness: the whole system in this process (packages/testing startSystem), the
// console's own server in front of it (src/service.ts startConsole, what src/main.ts runs), and a
// real headless Chromium (Debian's `chromium` package) driven by playwright-core through
// executablePath. No browser is ever downloaded.
//
// Chromium missing: the e2e suites FAIL with a message saying how to install it (`npm test`
// installs Debian's package itself where it runs as root). CHROMIUM_PATH points at another binary.

import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it, onTestFailed } from 'vitest';
import { createLogger } from '@cancelflow/service-kit/logger';
import { startSystem, type RunningSystem, type SystemOptions } from '@cancelflow/system';
import { findChromium } from '@cancelflow/infra/chromium';
import { distDir, ensureBuilt } from '../src/build.ts';
import { configFromEnv } from '../src/config.ts';
import { startConsole, type RunningConsole } from '../src/service.ts';

export const CHROMIUM = findChromium();

const MISSING = [
  '',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '!!! NO CHROMIUM: the console end-to-end tests in apps/console/e2e did NOT run.',
  '!!! Install it (Debian): apt-get update && apt-get install -y chromium',
  '!!! or point CHROMIUM_PATH at a Chromium/Chrome binary.',
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '',
].join('\n');

/**
 * describe() for browser suites: runs when Chromium exists; otherwise one failing test saying
 * why. `npm test` installs Chromium where it can, so a missing one is never a green run.
 */
export function describeInBrowser(name: string, body: () => void): void {
  if (CHROMIUM) {
    describe(name, body);
    return;
  }
  process.stderr.write(MISSING);
  describe(name, () => {
    it("needs Chromium (npm test installs Debian's chromium when it runs as root): it is missing", () => {
      throw new Error(MISSING);
    });
  });
}

export const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A fresh Chromium with a new empty profile (--user-data-dir); close() removes the profile. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!CHROMIUM) throw new Error(MISSING);
  const profile = mkdtempSync(join(tmpdir(), 'cancelflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: BROWSER_ARGS,
    viewport,
    locale: 'en-GB',
    timezoneId: 'Europe/Berlin',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Builds the browser app when dist/ is stale, one test file at a time (a lock folder), and
 * copies it to a private folder this file serves, so another file's rebuild cannot swap the
 * assets under a page that is loading.
 */
export async function builtCopy(): Promise<string> {
  const lock = join(tmpdir(), 'cancelflow-console-build.lock');
  const logger = createLogger('console-e2e');
  logger.level = 'warn';
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is older than any real build.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`waited 4 minutes for ${lock}: another build holds it (remove it if none runs)`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await ensureBuilt('auto', logger);
    const copy = mkdtempSync(join(tmpdir(), 'cancelflow-console-dist-'));
    cpSync(distDir, copy, { recursive: true });
    return copy;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Stack {
  system: RunningSystem;
  console: RunningConsole;
  /** A page of a fresh browser at the console; pages close with the stack. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** What the browser refused under the console's Content-Security-Policy, on every page so far. */
  cspViolations: string[];
  close(): Promise<void>;
}

/** A port free right now (the console's, chosen before the system so email links can name it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The system, the console in front of it (proxying to the system's real ports) and a browser.
 * The order service's self-service links (SELF_SERVICE_BASE_URL) point at this console.
 */
export async function startStack(options: SystemOptions = {}): Promise<Stack> {
  const consolePort = await freePort();
  const systemOptions: SystemOptions = {
    ...options,
    env: { SELF_SERVICE_BASE_URL: `http://127.0.0.1:${consolePort}/self-service`, ...options.env },
  };
  const [system, servedDir] = await Promise.all([startSystem(systemOptions), builtCopy()]);
  const closers: (() => Promise<void>)[] = [async () => rmSync(servedDir, { recursive: true, force: true }), () => system.close()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => undefined);
  };
  try {
    const logger = createLogger('console-e2e');
    logger.level = 'warn';
    const running = await startConsole(
      configFromEnv({
        PORT: String(consolePort),
        ORDER_SERVICE_URL: system.orders.baseUrl,
        PAYMENT_SERVICE_URL: system.payments.baseUrl,
        NOTIFICATION_SERVICE_URL: system.notifications.baseUrl,
        TEMPORAL_UI_URL: 'http://127.0.0.1:8233',
        CONSOLE_BUILD: 'never',
        ...(process.env.CONSOLE_ALLOW_UNAUTHENTICATED ? { CONSOLE_ALLOW_UNAUTHENTICATED: process.env.CONSOLE_ALLOW_UNAUTHENTICATED } : {}),
      }),
      logger,
      { distDir: servedDir },
    );
    closers.push(() => running.close());
    const cspViolations: string[] = [];
    return {
      system,
      console: running,
      cspViolations,
      async newPage(viewport) {
        const browser = await launchBrowser(viewport);
        closers.push(() => browser.close());
        const page = await browser.context.newPage();
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
        });
        page.setDefaultTimeout(20_000);
        // A failing test leaves a picture of what the browser showed (path printed with the error).
        // (Outside a test, e.g. the screenshots script, there is no test to fail.)
        if (process.env.VITEST)
          onTestFailed(async ({ task }) => {
            const path = join(tmpdir(), `cancelflow-e2e-${task.name.replace(/\W+/g, '-').slice(0, 60)}-${Date.now()}.png`);
            await page.screenshot({ path, fullPage: true }).then(
              () => process.stderr.write(`[e2e] screenshot of the failing page: ${path}\n`),
              () => undefined,
            );
          });
        return page;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Signs in on the console's sign-in screen by pasting a bearer token, as a person does. */
export async function signIn(page: Page, consoleUrl: string, token: string): Promise<void> {
  await page.goto(`${consoleUrl}/sign-in`);
  await page.getByLabel('Token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}
