#!/usr/bin/env node
// Entry of `npm start`, `npm test`, `npm run bench` and the other npm scripts. Plain JavaScript that runs on the
// machine's Node (>= 18): it installs the dependencies when needed (`npm ci` when
// node_modules is missing or package-lock.json changed since the last install), then runs
// the real command with the project's Node 24 (the `node` npm package, node_modules/.bin/node),
// which runs the TypeScript sources natively.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A command is its script, or its script and the arguments it always gets.
const COMMANDS = {
  start: 'scripts/start.ts',
  'start:production': ['scripts/start.ts', '--production'],
  chaos: 'bench/chaos.ts',
  test: 'scripts/test.ts',
  bench: 'bench/run.ts',
  token: 'scripts/mint-token.ts',
  screenshots: 'apps/console/e2e/screenshots.ts',
  probe: 'scripts/probe.ts',
  lint: 'scripts/lint.ts',
};
const MARKER = join(root, 'node_modules', '.cancelflow-install-hash');
const NODE = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const MIN_NODE_MAJOR = 24;

const say = (message) => process.stderr.write(`[bootstrap] ${message}\n`);

const [command, ...args] = process.argv.slice(2);
const [script, ...fixedArgs] = [COMMANDS[command]].flat();
if (!script) {
  say(`usage: node scripts/bootstrap.mjs ${Object.keys(COMMANDS).join('|')} [args...]`);
  process.exit(2);
}

installIfNeeded();
checkNode();
if (!existsSync(join(root, script))) {
  say(`${script} does not exist yet: nothing to run for "${command}"`);
  process.exit(1);
}
run(script, [...fixedArgs, ...args]);

function installIfNeeded() {
  const lockFile = join(root, 'package-lock.json');
  const hasLock = existsSync(lockFile);
  const wanted = hasLock ? hashOf(lockFile) : `no-lock:${hashOf(join(root, 'package.json'))}`;
  const installed = existsSync(MARKER) ? readFileSync(MARKER, 'utf8').trim() : undefined;
  if (existsSync(join(root, 'node_modules')) && installed === wanted && existsSync(NODE)) return;

  const why = !existsSync(join(root, 'node_modules'))
    ? 'node_modules is missing'
    : installed === undefined
      ? 'no record of the last install'
      : 'package-lock.json changed since the last install';
  say(`${why}: installing the dependencies ...`);
  const started = Date.now();
  // `npm ci` installs exactly the lock file. It refuses a lock file that lacks optional
  // packages the registry does not serve (e.g. other platforms' turbo binaries on a mirror);
  // then, and without a lock file, `npm install` does the job.
  const ci = hasLock ? npm(['ci', '--no-audit', '--no-fund']) : { ok: false, why: 'there is no package-lock.json' };
  if (!ci.ok) {
    say(`npm ci did not install (${ci.why}): running npm install instead`);
    const install = npm(['install', '--no-audit', '--no-fund']);
    if (!install.ok) {
      say(`npm install failed (${install.why})`);
      process.exit(1);
    }
  }
  // `npm install` may have written the lock file: record what is installed now.
  const now = existsSync(lockFile) ? hashOf(lockFile) : wanted;
  writeFileSync(MARKER, `${now}\n`);
  say(`dependencies installed in ${Math.round((Date.now() - started) / 1000)}s`);
}

/** Runs npm; prints its output, without the usage text npm appends to some errors. */
function npm(npmArgs) {
  say(`npm ${npmArgs.join(' ')}`);
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', npmArgs, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n');
  const usage = output.findIndex((line) => /^npm error (Clean install a project|Usage:)/.test(line));
  const shown = (usage >= 0 ? output.slice(0, usage) : output).filter(
    (line) => !/Unknown user config|EBADENGINE|^npm warn ( {2}|})/.test(line),
  );
  process.stderr.write(`${shown.join('\n').trim()}\n`);
  if (result.status === 0) return { ok: true };
  const reason = output.find((line) => /^npm error (Missing|code|`npm ci`)/.test(line));
  return { ok: false, why: result.error?.message ?? reason?.replace(/^npm error /, '') ?? `exit ${result.status}` };
}

function checkNode() {
  if (!existsSync(NODE)) {
    say(`${NODE} is missing: the "node" devDependency did not install; run npm ci`);
    process.exit(1);
  }
  const version = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const major = Number(/^v(\d+)/.exec(version)?.[1]);
  if (!(major >= MIN_NODE_MAJOR)) {
    say(`node_modules/.bin/node is "${version}", Node ${MIN_NODE_MAJOR}+ is needed: run npm ci`);
    process.exit(1);
  }
}

function run(scriptPath, scriptArgs) {
  say(
    `running ${scriptPath}${scriptArgs.length ? ` ${scriptArgs.join(' ')}` : ''} with Node ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}`,
  );
  const child = spawn(NODE, [scriptPath, ...scriptArgs], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: `${dirname(NODE)}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}` },
  });
  // The child stops everything it started; pass signals on and wait for it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  // `npm start` killed with SIGTERM exits without passing it on: notice being orphaned.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphanWatch);
    say('npm went away: stopping');
    child.kill('SIGTERM');
  }, 1000);
  orphanWatch.unref();
  child.on('error', (error) => {
    say(`could not run ${scriptPath}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
}

function hashOf(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
