import { z } from 'zod';
import { commonEnv, loadConfig, workerEnabled } from '@cancelflow/service-kit/config';
import { assertSecrets } from '@cancelflow/service-kit/secrets';
import { rateLimitSettingsFromEnv, type RateLimitSettings } from '@cancelflow/service-kit/rate-limit';

export interface PaymentServiceConfig {
  port: number;
  host: string;
  databaseUrl: string;
  temporal: { address: string; namespace: string };
  /** How long the sandbox provider keeps a card refund PENDING before it settles by itself. */
  sandboxCardSettleMs: number;
  /** Run the worker of the payments task queue in this process (tests may bring their own). */
  runWorker: boolean;
  /** How long the sandbox provider's card authorisations last after the payment (default 7 days). */
  sandboxAuthorisationDays?: number;
  /** RATE_LIMIT_*: per token and per client address (defaults when not given). */
  rateLimits?: RateLimitSettings;
  /** METRICS_TOKEN: the bearer token GET /metrics wants; unset: /metrics is refused. */
  metricsToken?: string;
  /** How often the sandbox provider sweeps its outbox and due settlements (default 1 s). */
  sandboxSweepMs?: number;
  /** How long a refund waiting on the provider is expected to take before support sees it as overdue. */
  expectedWait?: { cardRefundMs: number; bankDepositMs: number };
}

const envSchema = z.object({
  ...commonEnv,
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535, 'must be a port number').default(3002),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string({ error: 'is required: postgres://user:password@host:port/database' })
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  SANDBOX_CARD_SETTLE_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(0, 'must be a whole number of milliseconds')
    .default(300),
  PAYMENTS_WORKER: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  SANDBOX_AUTHORISATION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .positive('must be a number of days above 0')
    .default(7),
  SANDBOX_SWEEP_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1, 'must be a whole number of milliseconds above 0')
    .default(1000),
  /** A card refund still pending after this long is overdue (default 1 hour). */
  EXPECTED_CARD_REFUND_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1, 'must be a whole number of milliseconds above 0')
    .default(3_600_000),
  /** A bank deposit still pending after this long is overdue (default 5 days). */
  EXPECTED_BANK_DEPOSIT_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds' })
    .int('must be a whole number of milliseconds')
    .min(1, 'must be a whole number of milliseconds above 0')
    .default(432_000_000),
});

/** Reads the configuration from the environment; a bad variable is named in the error. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentServiceConfig {
  const e = loadConfig('payment-service', envSchema, env);
  // Every secret is checked before anything starts; production refuses the published ones.
  assertSecrets('payment-service', env, ['AUTH_TOKEN_SECRET', 'METRICS_TOKEN']);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    sandboxCardSettleMs: e.SANDBOX_CARD_SETTLE_MS,
    runWorker: workerEnabled(env, 'PAYMENTS_WORKER'),
    sandboxAuthorisationDays: e.SANDBOX_AUTHORISATION_DAYS,
    rateLimits: rateLimitSettingsFromEnv(env),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    sandboxSweepMs: e.SANDBOX_SWEEP_MS,
    expectedWait: { cardRefundMs: e.EXPECTED_CARD_REFUND_MS, bankDepositMs: e.EXPECTED_BANK_DEPOSIT_MS },
  };
}
