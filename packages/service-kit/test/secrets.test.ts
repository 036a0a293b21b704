import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { authSettingsFromEnv } from '../src/auth.ts';
import { DEVELOPMENT_AUTH_SECRET, DEVELOPMENT_SELF_SERVICE_SECRET, secretProblems } from '../src/secrets.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const good = { AUTH_TOKEN_SECRET: 'a'.repeat(40), SELF_SERVICE_TOKEN_SECRET: 'b'.repeat(40), METRICS_TOKEN: 'c'.repeat(40) };

describe('secrets', () => {
  it('production needs every required secret, long, its own, and not one published here', () => {
    expect(secretProblems({ NODE_ENV: 'production', ...good })).toEqual([]);
    expect(secretProblems({ NODE_ENV: 'production' }).join('\n')).toMatch(
      /AUTH_TOKEN_SECRET: required in production[^\n]*\nSELF_SERVICE_TOKEN_SECRET: required in production/,
    );
    expect(secretProblems({ NODE_ENV: 'production', ...good, AUTH_TOKEN_SECRET: DEVELOPMENT_AUTH_SECRET })).toEqual([
      expect.stringMatching(/^AUTH_TOKEN_SECRET: is a development secret published/),
    ]);
    expect(secretProblems({ NODE_ENV: 'production', ...good, SELF_SERVICE_TOKEN_SECRET: DEVELOPMENT_SELF_SERVICE_SECRET })).toEqual([
      expect.stringMatching(/^SELF_SERVICE_TOKEN_SECRET: is a development secret/),
    ]);
    expect(secretProblems({ NODE_ENV: 'production', ...good, SELF_SERVICE_TOKEN_SECRET: good.AUTH_TOKEN_SECRET })).toEqual([
      expect.stringMatching(/must differ from AUTH_TOKEN_SECRET/),
    ]);
    expect(secretProblems({ NODE_ENV: 'production', ...good, METRICS_TOKEN: 'short' })).toEqual([
      expect.stringMatching(/METRICS_TOKEN: must be at least 32/),
    ]);
    // Development: nothing required, the published secrets are the defaults.
    expect(secretProblems({})).toEqual([]);
    expect(() => authSettingsFromEnv({ NODE_ENV: 'production', AUTH_TOKEN_SECRET: DEVELOPMENT_AUTH_SECRET })).toThrow(/published/);
  });

  it('npm start in production with a development secret stops before anything starts, naming every problem', () => {
    const run = spawnSync(process.execPath, ['scripts/start.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', AUTH_TOKEN_SECRET: DEVELOPMENT_AUTH_SECRET },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/cannot start: AUTH_TOKEN_SECRET: is a development secret published/);
    expect(run.stdout).toMatch(/cannot start: SELF_SERVICE_TOKEN_SECRET: required in production/);
    expect(run.stdout).not.toMatch(/starting PostgreSQL/);
  });
});
