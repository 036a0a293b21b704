import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADDRESS_VARIABLES, REPLICAS, replicaEnvironment, SERVICES, WORKERS, type ReplicaAddresses } from '../src/production.ts';
import { TEMPORAL_SERVER_VERSION } from '../src/temporal-server.ts';
import { composeEnvironment, defaultComposeFile } from '../scripts/validate-compose.ts';

// What a developer's .env would hold; the values only have to be there.
const dotEnv = {
  POSTGRES_PASSWORD: 'p'.repeat(32),
  TEMPORAL_DB_PASSWORD: 't'.repeat(32),
  AUTH_TOKEN_SECRET: 'a'.repeat(40),
  SELF_SERVICE_TOKEN_SECRET: 's'.repeat(40),
  WEBHOOK_SECRETS_KEY: 'w'.repeat(40),
};
const here: ReplicaAddresses = {
  databaseUrl: 'postgres://postgres:postgres@127.0.0.1:54339/cancelflow',
  temporalAddress: '127.0.0.1:7233',
  orderServiceUrl: 'http://127.0.0.1:3001',
  smtpUrl: 'smtp://127.0.0.1:1025',
  metricsPort: 40001,
  port: 40002,
  smtpPort: 2525,
};
const isAddress = (name: string) => (ADDRESS_VARIABLES as readonly string[]).includes(name);

describe('the production topology runs every process with the environment docker-compose.yml gives it', () => {
  const compose = composeEnvironment(dotEnv);
  const apps = [...SERVICES.map((s) => s.app), ...WORKERS];

  it.each(apps)('%s: the same variables, the same values, only the addresses are this machine’s', (app) => {
    const expected = compose[app]!;
    expect(expected).toBeDefined();
    const env = replicaEnvironment(app, expected, { ...here, ...(app === 'workflows' ? { port: undefined } : {}) });

    // Names: compose's, plus at most an address this machine needs (two replicas, one host).
    const added = Object.keys(env).filter((name) => !(name in expected));
    expect(added.filter((name) => !isAddress(name))).toEqual([]);
    expect(Object.keys(expected).filter((name) => !(name in env))).toEqual([]);
    // Values: compose's, except where things are.
    for (const [name, value] of Object.entries(expected)) {
      if (!isAddress(name)) expect({ [name]: env[name] }).toEqual({ [name]: value });
    }
    // Where things are: loopback only.
    for (const name of Object.keys(env).filter(isAddress)) {
      expect(env[name], name).toMatch(/^(\d+|[a-z]+:\/\/([^@/]*@)?127\.0\.0\.1(:\d+)?(\/.*)?|127\.0\.0\.1(:\d+)?)$/);
    }
    expect(env.NODE_ENV).toBe('production');
  });

  it('runs two replicas of every service and worker', () => {
    expect(REPLICAS).toBe(2);
    expect(apps).toEqual(['order-service', 'payment-service', 'notification-service', 'workflows']);
  });

  it('the workflow worker gets neither a database nor an HTTP port, as in compose', () => {
    const env = replicaEnvironment('workflows', compose.workflows!, { ...here, port: undefined });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PORT).toBeUndefined();
  });

  it('docker-compose.yml pins the Temporal server this topology builds', () => {
    const text = readFileSync(defaultComposeFile, 'utf8');
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    expect(text).toContain(`image: temporalio/server:${version}`);
    expect(text).toContain(`image: temporalio/admin-tools:${version}`);
  });
});
