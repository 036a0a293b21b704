import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultComposeFile, dockerfileProblems, validateCompose } from '../scripts/validate-compose.ts';

const scratch = mkdtempSync(join(tmpdir(), 'cancelflow-compose-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function problemsOf(compose: string, envExample = ''): string[] {
  const dir = mkdtempSync(join(scratch, 'case-'));
  writeFileSync(join(dir, 'docker-compose.yml'), compose);
  writeFileSync(join(dir, '.env.example'), envExample);
  return validateCompose(join(dir, 'docker-compose.yml'), { env: {}, useDockerCompose: false }).problems;
}

describe('the production-like deployment (docker-compose.yml, Dockerfile)', () => {
  it('is a valid Compose file that keeps every CancelFlow deployment rule', () => {
    const result = validateCompose(defaultComposeFile, { env: {} });
    expect(result.problems).toEqual([]);
    expect(result.checkedWith).toContain('compose-spec JSON schema');
  });

  it('runs PostgreSQL, Temporal with its UI, an SMTP relay and every CancelFlow process', () => {
    const { services } = validateCompose(defaultComposeFile, { env: {}, useDockerCompose: false });
    expect(services).toEqual(
      expect.arrayContaining([
        'postgres',
        'temporal',
        'temporal-ui',
        'mailpit',
        'order-service',
        'payment-service',
        'notification-service',
        'workflows',
      ]),
    );
  });

  it('commits no password: the file requires them from .env', () => {
    const text = readFileSync(defaultComposeFile, 'utf8');
    expect(text).toContain('${POSTGRES_PASSWORD:?');
    expect(text).toContain('${TEMPORAL_DB_PASSWORD:?');
  });
});

describe('the compose validator', () => {
  it('rejects an image without a version tag', () => {
    const problems = problemsOf('services:\n  db:\n    image: postgres:latest\n  cache:\n    image: redis\n');
    expect(problems).toContain('services.db: image "postgres:latest" is not pinned to a version tag (e.g. name:1.2.3)');
    expect(problems).toContain('services.cache: image "redis" is not pinned to a version tag (e.g. name:1.2.3)');
  });

  it('rejects a CancelFlow process without a healthcheck', () => {
    const problems = problemsOf(
      [
        'services:',
        '  api:',
        '    image: cancelflow/app:dev',
        '    build: .',
        '    restart: unless-stopped',
        '    environment: { NODE_ENV: production, LOG_LEVEL: info, TEMPORAL_ADDRESS: t:7233, TEMPORAL_NAMESPACE: default }',
        '',
      ].join('\n'),
    );
    expect(problems).toContain('services.api: a CancelFlow process needs a healthcheck');
  });

  it('rejects depends_on on a service that does not exist, or is not healthchecked when it must be', () => {
    const problems = problemsOf(
      [
        'services:',
        '  a:',
        '    image: busybox:1.37.0',
        '    depends_on:',
        '      ghost: { condition: service_started }',
        '      b: { condition: service_healthy }',
        '  b:',
        '    image: busybox:1.37.0',
        '',
      ].join('\n'),
    );
    expect(problems).toContain('services.a.depends_on: "ghost" is not a service of this file');
    expect(problems).toContain('services.a.depends_on.b: condition service_healthy, but b declares no healthcheck');
  });

  it('rejects a password written into the file', () => {
    const problems = problemsOf(
      'services:\n  db:\n    image: postgres:18.4\n    environment:\n      POSTGRES_PASSWORD: hunter2\n      URL: postgres://u:hunter2@db/x\n',
    );
    expect(problems.filter((p) => p.includes('a secret is written into the file'))).toHaveLength(2);
  });

  it('rejects a required variable that .env.example does not document', () => {
    const problems = problemsOf(
      'services:\n  db:\n    image: postgres:18.4\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}\n',
    );
    expect(problems).toContain('.env.example: required variable POSTGRES_PASSWORD is not documented');
  });

  it('rejects what the compose-spec schema rejects', () => {
    const problems = problemsOf('services:\n  db:\n    image: postgres:18.4\n    restart_policy: always\n');
    expect(problems.some((p) => p.startsWith('compose-spec schema: services.db') && p.includes('restart_policy'))).toBe(true);
  });

  it('rejects a Dockerfile whose final stage runs as root or whose base image floats', () => {
    const dockerfile = join(scratch, 'Dockerfile.root');
    writeFileSync(dockerfile, 'FROM node:latest AS base\nFROM base\nCMD ["node"]\n');
    expect(dockerfileProblems(dockerfile)).toEqual([
      'Dockerfile: base image "node:latest" is not pinned to a version tag',
      'Dockerfile: the final stage must switch to a non-root USER',
    ]);
  });
});
