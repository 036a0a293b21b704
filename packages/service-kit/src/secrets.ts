/**
 * The secrets CancelFlow reads, in one table: what each is for, who reads it, and the one check
 * every process (and `npm start`, before it starts anything) runs on them. Outside production a
 * missing secret falls back to a development value that is published in this repository; in
 * production (NODE_ENV=production) each must be set, long enough, not a published value, and not
 * the same as another one, or nothing starts.
 */
import { ConfigError } from './config.ts';

/** Signs the staff and service bearer tokens in development only (anyone can read it here). */
export const DEVELOPMENT_AUTH_SECRET = 'cancelflow-development-auth-secret-never-use-in-production';
/** Signs the customers' "view order" links in development only. */
export const DEVELOPMENT_SELF_SERVICE_SECRET = 'cancelflow-development-self-service-secret-not-for-production';

export const SECRET_MIN_LENGTH = 32;

export interface SecretSpec {
  name: string;
  /** What it protects, for the error message and the README. */
  purpose: string;
  /** Who reads it. */
  readBy: readonly string[];
  /** Required in production; when false, unset means the feature it guards is off. */
  requiredInProduction: boolean;
}

export const SECRETS = {
  AUTH_TOKEN_SECRET: {
    name: 'AUTH_TOKEN_SECRET',
    purpose: 'signs and checks the bearer tokens of staff and services (HS256)',
    readBy: ['order-service', 'payment-service', 'notification-service'],
    requiredInProduction: true,
  },
  SELF_SERVICE_TOKEN_SECRET: {
    name: 'SELF_SERVICE_TOKEN_SECRET',
    purpose: 'signs and checks the customers\' "view order" links (HS256)',
    readBy: ['order-service'],
    requiredInProduction: true,
  },
  METRICS_TOKEN: {
    name: 'METRICS_TOKEN',
    purpose: 'the bearer token Prometheus sends to GET /metrics (unset: /metrics is refused)',
    readBy: ['order-service', 'payment-service', 'notification-service'],
    requiredInProduction: false,
  },
} as const satisfies Record<string, SecretSpec>;

export type SecretName = keyof typeof SECRETS;

/** Values published in this repository: never a production secret. */
const PUBLISHED = new Set<string>([DEVELOPMENT_AUTH_SECRET, DEVELOPMENT_SELF_SERVICE_SECRET]);

/**
 * What is wrong with the named secrets in this environment, one line each (empty: all good).
 * Outside production only the length of a secret that is set is checked.
 */
export function secretProblems(env: NodeJS.ProcessEnv, names: readonly SecretName[] = Object.keys(SECRETS) as SecretName[]): string[] {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const spec: SecretSpec = SECRETS[name];
    const value = env[name];
    if (value === undefined || value === '') {
      if (production && spec.requiredInProduction) {
        problems.push(
          `${name}: required in production (at least ${SECRET_MIN_LENGTH} characters, e.g. openssl rand -hex 32): it ${spec.purpose}`,
        );
      }
      continue;
    }
    if (value.length < SECRET_MIN_LENGTH) {
      problems.push(`${name}: must be at least ${SECRET_MIN_LENGTH} characters (e.g. openssl rand -hex 32)`);
      continue;
    }
    if (!production) continue;
    if (PUBLISHED.has(value)) {
      problems.push(
        `${name}: is a development secret published in the CancelFlow repository; production needs its own (openssl rand -hex 32)`,
      );
      continue;
    }
    const twin = seen.get(value);
    if (twin) problems.push(`${name}: must differ from ${twin} (one secret per purpose)`);
    seen.set(value, name);
  }
  return problems;
}

/** Throws, naming every problem, unless the named secrets are fit for this environment. */
export function assertSecrets(process: string, env: NodeJS.ProcessEnv, names: readonly SecretName[]): void {
  const problems = secretProblems(env, names);
  if (problems.length > 0) throw new ConfigError(`${process} configuration is invalid: ${problems.join('; ')}`);
}
