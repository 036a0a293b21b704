// `npm test`: checks format, lint and import boundaries (scripts/lint.ts), makes sure the Temporal CLI and the time-skipping test server exist (each prepared
// once, visibly, before vitest starts and hides slow setup behind a timeout), type-checks every workspace, then runs every
// workspace's tests in one vitest run against one Temporal dev server and one PostgreSQL.
// Arguments go to vitest (`npm test -- infra`). Exits non-zero when either step fails.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ensureChromium } from '../infra/src/chromium.ts';
import { ensureTemporalCli } from '../infra/src/temporal-cli.ts';
import { ensureTemporalTestServer } from '../infra/src/temporal-test-server.ts';
import { repoRoot } from '../infra/src/repo.ts';

const say = (message: string) => process.stderr.write(`[test] ${message}\n`);
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
// Every `node` spawned below (npm scripts, tsc, vitest's forks) is this Node 24.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${join(repoRoot, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
  TURBO_TELEMETRY_DISABLED: '1',
};

if (!process.env.TEMPORAL_ADDRESS) {
  say('checking the Temporal CLI (built once with go install when missing) ...');
  say(`Temporal CLI: ${await ensureTemporalCli()}`);
}

say('checking the Temporal test server of the time-skipping workflow tests (fetched once with Maven when missing) ...');
say(
  `Temporal test server: ${await ensureTemporalTestServer(say).then(
    (install) => `${install.java}, ${install.classpath.split(':').length} entries on its classpath`,
    (error: Error) => `MISSING (${error.message}): those tests will fail`,
  )}`,
);

say(`Chromium for the console's browser tests: ${ensureChromium(say) ?? 'MISSING (those tests will fail)'}`);

say('format, lint and import boundaries: scripts/lint.ts');
const lint = await run(process.execPath, [join(repoRoot, 'scripts', 'lint.ts')]);
say(lint === 0 ? 'lint passed' : `lint FAILED (exit ${lint}); running the tests anyway`);

say('type-checking every workspace: turbo run typecheck');
const typecheck = await run(bin('turbo'), ['run', 'typecheck']);
say(typecheck === 0 ? 'typecheck passed' : `typecheck FAILED (exit ${typecheck}); running the tests anyway`);

say('running the tests: vitest run');
const tests = await run(process.execPath, [join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)]);

say(
  `lint ${lint === 0 ? 'passed' : 'FAILED'}, typecheck ${typecheck === 0 ? 'passed' : 'FAILED'}, tests ${tests === 0 ? 'passed' : 'FAILED'}`,
);
process.exit(lint !== 0 ? lint : typecheck !== 0 ? typecheck : tests);

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, forward);
    child.on('error', (error) => {
      say(`could not run ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      for (const name of ['SIGINT', 'SIGTERM'] as const) process.off(name, forward);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
