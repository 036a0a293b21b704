import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import {
  ConfigError,
  duration,
  durationMs,
  loadConfig,
  serviceConfig,
  serviceEnv,
  type ServiceConfig,
} from '@cancelflow/service-kit/config';
import { assertSecrets, DEVELOPMENT_SELF_SERVICE_SECRET } from '@cancelflow/service-kit/secrets';
import { authSettingsFromEnv, type AuthSettings } from '@cancelflow/service-kit/auth';
import { rateLimitSettingsFromEnv, type RateLimitSettings } from '@cancelflow/service-kit/rate-limit';
import { WEBHOOK_RETRY_SCHEDULE } from '@cancelflow/domain/webhooks';
import { DEVELOPMENT_WEBHOOK_SECRETS_KEY, type WebhookSettings } from './webhooks/settings.ts';

const envSchema = z.object({
  ...serviceEnv(3001),
  /** Cancellation requests: how often the merchant is reminded while nobody answers. */
  REQUEST_REMINDER_INTERVAL: duration('REQUEST_REMINDER_INTERVAL').default('4h'),
  /** Cancellation requests: when an unanswered request is escalated. */
  REQUEST_ESCALATION_AFTER: duration('REQUEST_ESCALATION_AFTER').default('48h'),
  /** Where reminders and escalations of unanswered cancellation requests go. */
  MERCHANT_EMAIL: z.email().default('merchant-support@cancelflow.local'),
  /** Signs the customer's "view order" links (HS256, at least 32 characters). Required in production. */
  SELF_SERVICE_TOKEN_SECRET: z.string().optional(),
  /** How long a "view order" link works. */
  SELF_SERVICE_TOKEN_TTL: duration('SELF_SERVICE_TOKEN_TTL').default('30d'),
  /** The oldest a link may be, whatever its own expiry says (default: SELF_SERVICE_TOKEN_TTL); shorten it to retire older links. */
  SELF_SERVICE_TOKEN_MAX_AGE: duration('SELF_SERVICE_TOKEN_MAX_AGE').optional(),
  /** The customer's self-service page; the link is <this>/orders/<id>?token=… */
  SELF_SERVICE_BASE_URL: z.url().default('http://127.0.0.1:3000/self-service'),
  NODE_ENV: z.string().optional(),
  /** A pending refund with no provider event: the provider is asked after this long, then after waits that double... */
  REFUND_RECHECK_FIRST: duration('REFUND_RECHECK_FIRST').default('10s'),
  /** ...up to this long between two questions (Temporal duration). */
  REFUND_RECHECK_INTERVAL: duration('REFUND_RECHECK_INTERVAL').default('1h'),
  /** An order whose confirmation did not start at import (a crash, Temporal away) is started by a sweep after this long. */
  ORDER_CONFIRMATION_RETRY_AFTER: duration('ORDER_CONFIRMATION_RETRY_AFTER').default('30s'),
  /** Where refund failures are reported. */
  SUPPORT_EMAIL: z.email().default('support@cancelflow.local'),
  /** Undoing a cancellation: how often the customer is reminded to pay again, and how long they have. */
  UNDO_PAYMENT_REMINDER_INTERVAL: duration('UNDO_PAYMENT_REMINDER_INTERVAL').default('2d'),
  UNDO_PAYMENT_DEADLINE: duration('UNDO_PAYMENT_DEADLINE').default('7d'),
  /** Cancelled but shipped: how often the customer is reminded while no acknowledgement came. */
  CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL: duration('CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL').default('3d'),
  /** Cancelled but shipped: after this long without an answer the cancelled-but-shipped process becomes a return. */
  CANCELLED_BUT_SHIPPED_DEADLINE: duration('CANCELLED_BUT_SHIPPED_DEADLINE').default('14d'),
  /** Where acknowledged cancelled-but-shipped email threads are forwarded. */
  SELLER_SUPPORT_EMAIL: z.email().default('seller-support@cancelflow.local'),
  /** Encrypts the webhook subscriptions' signing secrets at rest (at least 32 characters). Required in production. */
  WEBHOOK_SECRETS_KEY: z.string().min(32, 'at least 32 characters').optional(),
  /** Development only: let webhooks go to private, loopback and link-local addresses (a receiver on this machine). */
  WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: z.enum(['true', 'false']).default('false'),
  /** How long one webhook POST may take. */
  WEBHOOK_TIMEOUT: z
    .string()
    .regex(/^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?)$/, 'a duration such as 500ms or 10s')
    .default('10s'),
  /** A failing receiver is retried after this long, then after waits that double... */
  WEBHOOK_RETRY_FIRST: z
    .string()
    .regex(/^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/, 'a duration such as 500ms, 30s or 1m')
    .default('30s'),
  /** ...of at most this long... */
  WEBHOOK_RETRY_LONGEST: z
    .string()
    .regex(/^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/, 'a duration such as 1m or 6h')
    .default('6h'),
  /** ...for this long from the first attempt; then the subscription is disabled and the merchant emailed. */
  WEBHOOK_RETRY_WINDOW: z
    .string()
    .regex(/^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/, 'a duration such as 10m or 3d')
    .default('3d'),
  /** How often the outbox of order events is swept into webhook deliveries. */
  WEBHOOK_SWEEP_INTERVAL: z
    .string()
    .regex(/^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?)$/, 'a duration such as 200ms or 1s')
    .default('1s'),
});

/** The common settings (worker: the "orders" task queue's) and the order service's own. */
export interface OrderServiceConfig extends ServiceConfig {
  /** How long GET /cancellations/:id waits for the live workflow state before leaving it out. */
  liveStateTimeoutMs?: number;
  /** How long starting a workflow may take before the request is answered 503. */
  workflowStartTimeoutMs?: number;
  /** Settings every cancellation process starts with. */
  cancellationProcess?: { refundRecheckFirst?: Duration; refundRecheckInterval?: Duration; supportEmail?: string };
  /** Settings every undo process starts with (pay-again reminders and deadline). */
  undoProcess?: { paymentReminderInterval?: Duration; paymentDeadline?: Duration };
  /** Settings every customer cancellation request process starts with (reminders, escalation). */
  requestProcess?: { reminderInterval?: Duration; escalateAfter?: Duration; merchantEmail?: string };
  /** The customer's "view order" links. */
  selfService?: SelfServiceSettings;
  /** Milliseconds after import when a confirmation that did not start is started by the sweep (0: no sweep). */
  orderConfirmationRetryAfterMs?: number;
  /** Bearer tokens of staff and services (AUTH_TOKEN_SECRET; the development secret outside production). */
  auth?: AuthSettings;
  /** Settings every cancelled-but-shipped process starts with. */
  cancelledButShippedProcess?: { reminderInterval?: Duration; acknowledgementDeadline?: Duration; sellerSupportEmail?: string };
  /** RATE_LIMIT_*: per token, per client address, per order on the customers' links (defaults when not given). */
  rateLimits?: RateLimitSettings;
  /** METRICS_TOKEN: the bearer token GET /metrics wants; unset: /metrics is refused. */
  metricsToken?: string;
  /** Outbound webhooks (WEBHOOK_*): the secrets' key, private addresses (development), timeouts and retries. */
  webhooks?: WebhookSettings;
}

export interface SelfServiceSettings {
  secret: string;
  /** Seconds a link works. */
  ttlSeconds: number;
  /** The oldest a link may be, in seconds (its `iat`); ttlSeconds when not given. */
  maxAgeSeconds?: number;
  baseUrl: string;
}

/** Development only: production refuses to start without SELF_SERVICE_TOKEN_SECRET (service-kit secrets.ts). */
export { DEVELOPMENT_SELF_SERVICE_SECRET };

/** Reads the configuration from the environment; fails naming every bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  const e = loadConfig('order-service', envSchema, env);
  // Every secret is checked before anything starts; production refuses the published ones.
  assertSecrets('order-service', env, ['AUTH_TOKEN_SECRET', 'SELF_SERVICE_TOKEN_SECRET', 'METRICS_TOKEN']);
  const ttlSeconds = Math.round(durationMs(e.SELF_SERVICE_TOKEN_TTL) / 1000);
  const maxAgeSeconds = e.SELF_SERVICE_TOKEN_MAX_AGE ? Math.round(durationMs(e.SELF_SERVICE_TOKEN_MAX_AGE) / 1000) : ttlSeconds;
  if (maxAgeSeconds < ttlSeconds) {
    throw new ConfigError(
      'order-service configuration is invalid: SELF_SERVICE_TOKEN_MAX_AGE is shorter than SELF_SERVICE_TOKEN_TTL: new links would be refused before they expire',
    );
  }
  if (env.NODE_ENV === 'production' && (!e.WEBHOOK_SECRETS_KEY || e.WEBHOOK_SECRETS_KEY === DEVELOPMENT_WEBHOOK_SECRETS_KEY)) {
    throw new ConfigError(
      'order-service configuration is invalid: WEBHOOK_SECRETS_KEY is required in production (it encrypts the webhook secrets; not the published development key)',
    );
  }
  const ms = (value: string) => durationMs(value as Duration);
  return {
    ...serviceConfig(e),
    cancellationProcess: {
      refundRecheckFirst: e.REFUND_RECHECK_FIRST,
      refundRecheckInterval: e.REFUND_RECHECK_INTERVAL,
      supportEmail: e.SUPPORT_EMAIL,
    },
    undoProcess: {
      paymentReminderInterval: e.UNDO_PAYMENT_REMINDER_INTERVAL,
      paymentDeadline: e.UNDO_PAYMENT_DEADLINE,
    },
    auth: authSettings(env),
    rateLimits: rateLimitSettingsFromEnv(env),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
    requestProcess: {
      reminderInterval: e.REQUEST_REMINDER_INTERVAL,
      escalateAfter: e.REQUEST_ESCALATION_AFTER,
      merchantEmail: e.MERCHANT_EMAIL,
    },
    orderConfirmationRetryAfterMs: durationMs(e.ORDER_CONFIRMATION_RETRY_AFTER),
    selfService: {
      secret: e.SELF_SERVICE_TOKEN_SECRET || DEVELOPMENT_SELF_SERVICE_SECRET,
      ttlSeconds,
      maxAgeSeconds,
      baseUrl: e.SELF_SERVICE_BASE_URL.replace(/\/+$/, ''),
    },
    cancelledButShippedProcess: {
      reminderInterval: e.CANCELLED_BUT_SHIPPED_REMINDER_INTERVAL,
      acknowledgementDeadline: e.CANCELLED_BUT_SHIPPED_DEADLINE,
      sellerSupportEmail: e.SELLER_SUPPORT_EMAIL,
    },
    webhooks: {
      secretsKey: e.WEBHOOK_SECRETS_KEY ?? DEVELOPMENT_WEBHOOK_SECRETS_KEY,
      allowPrivateAddresses: e.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES === 'true',
      timeoutMs: ms(e.WEBHOOK_TIMEOUT),
      sweepIntervalMs: ms(e.WEBHOOK_SWEEP_INTERVAL),
      retry: {
        firstMs: ms(e.WEBHOOK_RETRY_FIRST),
        longestMs: ms(e.WEBHOOK_RETRY_LONGEST),
        windowMs: ms(e.WEBHOOK_RETRY_WINDOW) || WEBHOOK_RETRY_SCHEDULE.windowMs,
      },
      merchantEmail: e.MERCHANT_EMAIL,
    },
  };
}

function authSettings(env: NodeJS.ProcessEnv): AuthSettings {
  try {
    return authSettingsFromEnv(env);
  } catch (error) {
    throw new ConfigError(`order-service configuration is invalid: ${(error as Error).message}`);
  }
}
