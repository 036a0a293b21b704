import { z } from 'zod';
import { booleanFlag, loadConfig, milliseconds, serviceConfig, serviceEnv, type ServiceConfig } from '@cancelflow/service-kit/config';
import { assertSecrets } from '@cancelflow/service-kit/secrets';
import { rateLimitSettingsFromEnv, type RateLimitSettings } from '@cancelflow/service-kit/rate-limit';

/** The common settings (worker: the payments task queue's; tests may bring their own) and the payment service's own. */
export interface PaymentServiceConfig extends ServiceConfig {
  /** How long the sandbox provider keeps a card refund PENDING before it settles by itself. */
  sandboxCardSettleMs: number;
  /** How long the sandbox provider's card authorisations last after the payment (default 7 days). */
  sandboxAuthorisationDays?: number;
  /** RATE_LIMIT_*: per token and per client address (defaults when not given). */
  rateLimits?: RateLimitSettings;
  /** METRICS_TOKEN: the bearer token GET /metrics wants; unset: /metrics is refused. */
  metricsToken?: string;
  /** How often the sandbox provider sweeps its outbox and due settlements (default 1 s). */
  sandboxSweepMs?: number;
  /** SANDBOX_OUTAGES: the sandbox provider can be taken down for every order (POST /sandbox/outage); off by default. */
  sandboxOutages?: boolean;
  /** How long a refund waiting on the provider is expected to take before support sees it as overdue. */
  expectedWait?: { cardRefundMs: number; bankDepositMs: number };
}

const envSchema = z.object({
  ...serviceEnv(3002),
  SANDBOX_CARD_SETTLE_MS: milliseconds('SANDBOX_CARD_SETTLE_MS').default(300),
  SANDBOX_AUTHORISATION_DAYS: z.coerce
    .number({ error: 'SANDBOX_AUTHORISATION_DAYS must be a number of days' })
    .positive('SANDBOX_AUTHORISATION_DAYS must be a number of days above 0')
    .default(7),
  SANDBOX_SWEEP_MS: milliseconds('SANDBOX_SWEEP_MS', 1).default(1000),
  SANDBOX_OUTAGES: booleanFlag('SANDBOX_OUTAGES').default(false),
  /** A card refund still pending after this long is overdue (default 1 hour). */
  EXPECTED_CARD_REFUND_MS: milliseconds('EXPECTED_CARD_REFUND_MS', 1).default(3_600_000),
  /** A bank deposit still pending after this long is overdue (default 5 days). */
  EXPECTED_BANK_DEPOSIT_MS: milliseconds('EXPECTED_BANK_DEPOSIT_MS', 1).default(432_000_000),
});

/** Reads the configuration from the environment; a bad variable is named in the error. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentServiceConfig {
  const e = loadConfig('payment-service', envSchema, env);
  // Every secret is checked before anything starts; production refuses the published ones.
  assertSecrets('payment-service', env, ['AUTH_TOKEN_SECRET', 'METRICS_TOKEN']);
  return {
    ...serviceConfig(e),
    sandboxCardSettleMs: e.SANDBOX_CARD_SETTLE_MS,
    sandboxAuthorisationDays: e.SANDBOX_AUTHORISATION_DAYS,
    rateLimits: rateLimitSettingsFromEnv(env),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    sandboxSweepMs: e.SANDBOX_SWEEP_MS,
    sandboxOutages: e.SANDBOX_OUTAGES,
    expectedWait: { cardRefundMs: e.EXPECTED_CARD_REFUND_MS, bankDepositMs: e.EXPECTED_BANK_DEPOSIT_MS },
  };
}
