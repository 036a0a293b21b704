import { z } from 'zod';
import { loadConfig, port, serviceConfig, serviceEnv, type ServiceConfig } from '@cancelflow/service-kit/config';
import { assertSecrets } from '@cancelflow/service-kit/secrets';
import { rateLimitSettingsFromEnv, type RateLimitSettings } from '@cancelflow/service-kit/rate-limit';
import { TASK_QUEUES } from '@cancelflow/domain';

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const envSchema = z.object({
  ...serviceEnv(3003),
  /** The task queue the worker polls; tests may use their own to stay apart. */
  NOTIFICATIONS_TASK_QUEUE: z.string().min(1).default(TASK_QUEUES.notifications),
  /** A real relay for outbound mail, e.g. smtp://user:pass@relay:587; when set, the SMTP server takes replies only (no development sink). */
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, 'SMTP_URL must be an smtp:// or smtps:// URL such as smtp://user:pass@relay:587')
      .optional(),
  ),
  SMTP_HOST: z.string().min(1).default('127.0.0.1'),
  SMTP_PORT: port('SMTP_PORT').default(2525),
  MAIL_FROM: z.string().min(3).default('CancelFlow <no-reply@cancelflow.local>'),
  /**
   * Where customers' replies go, comma-separated: the first is the Reply-To of emails that ask
   * for a reply; the SMTP server takes mail from outside for these addresses only.
   */
  REPLY_ADDRESSES: z
    .string()
    .default('replies@cancelflow.local')
    .transform((value) =>
      value
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.email({ error: 'REPLY_ADDRESSES must be email addresses separated by commas, e.g. replies@shop.example' }))
        .min(1, 'REPLY_ADDRESSES needs at least one address, e.g. replies@shop.example'),
    ),
  /** Inbound messages larger than this are refused (552). */
  SMTP_MAX_MESSAGE_BYTES: z.coerce
    .number({ error: 'SMTP_MAX_MESSAGE_BYTES must be a number of bytes' })
    .int('SMTP_MAX_MESSAGE_BYTES must be a whole number of bytes')
    .min(1024, 'SMTP_MAX_MESSAGE_BYTES must be at least 1024')
    .default(10 * 1024 * 1024),
  /** Messages one client address may hand in per minute (counted across replicas in PostgreSQL). */
  SMTP_RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ error: 'SMTP_RATE_LIMIT_PER_MINUTE must be a number' })
    .int('SMTP_RATE_LIMIT_PER_MINUTE must be a whole number')
    .min(1, 'SMTP_RATE_LIMIT_PER_MINUTE must be at least 1')
    .default(30),
  /**
   * The authserv-id of the MX relay that forwards inbound mail (the first word of the
   * Authentication-Results it adds, e.g. mx.shop.example). When set, a reply counts only with
   * that relay's verdict, and only its headers are read.
   */
  INBOUND_AUTHSERV_ID: z.preprocess(emptyAsUndefined, z.string().trim().min(1).max(255).optional()),
});

/** The common settings (worker false: serve HTTP and SMTP only) and the notification service's own. */
export interface NotificationServiceConfig extends ServiceConfig {
  taskQueue: string;
  smtp: {
    /** A real relay; when set, the embedded SMTP server does not start. */
    url?: string;
    /** Where CancelFlow's SMTP server listens for replies (port 0 = any free port). */
    host: string;
    port: number;
    maxMessageBytes: number;
    rateLimitPerMinute: number;
  };
  mailFrom: string;
  /** The first is the Reply-To; the SMTP server takes mail from outside for these only. */
  replyAddresses: string[];
  /** The MX relay whose Authentication-Results are required and honoured; absent: every such header's failures are honoured. */
  trustedAuthservId?: string;
  /** RATE_LIMIT_*: per token and per client address (defaults when not given). */
  rateLimits?: RateLimitSettings;
  /** METRICS_TOKEN: the bearer token GET /metrics wants; unset: /metrics is refused. */
  metricsToken?: string;
}

/** Reads the environment; a bad variable fails start-up with its name and what it must be. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationServiceConfig {
  const e = loadConfig('notification-service', envSchema, env);
  // Every secret is checked before anything starts; production refuses the published ones.
  assertSecrets('notification-service', env, ['AUTH_TOKEN_SECRET', 'METRICS_TOKEN']);
  return {
    ...serviceConfig(e),
    taskQueue: e.NOTIFICATIONS_TASK_QUEUE,
    smtp: {
      ...(e.SMTP_URL ? { url: e.SMTP_URL } : {}),
      host: e.SMTP_HOST,
      port: e.SMTP_PORT,
      maxMessageBytes: e.SMTP_MAX_MESSAGE_BYTES,
      rateLimitPerMinute: e.SMTP_RATE_LIMIT_PER_MINUTE,
    },
    mailFrom: e.MAIL_FROM,
    replyAddresses: e.REPLY_ADDRESSES,
    ...(e.INBOUND_AUTHSERV_ID ? { trustedAuthservId: e.INBOUND_AUTHSERV_ID } : {}),
    rateLimits: rateLimitSettingsFromEnv(env),
    ...(env.METRICS_TOKEN ? { metricsToken: env.METRICS_TOKEN } : {}),
  };
}
