import { z } from 'zod';
import { commonEnv, loadConfig as loadEnv } from '@cancelflow/service-kit/config';
import { TASK_QUEUES } from '@cancelflow/domain';

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a port number` })
    .int(`${name} must be a whole port number`)
    .min(0, `${name} must be between 0 and 65535 (0 = any free port)`)
    .max(65535, `${name} must be between 0 and 65535 (0 = any free port)`);

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const envSchema = z.object({
  ...commonEnv,
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required: postgres://user:password@host:port/database' })
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port('PORT').default(3003),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** The task queue the worker polls; tests may use their own to stay apart. */
  NOTIFICATIONS_TASK_QUEUE: z.string().min(1).default(TASK_QUEUES.notifications),
  /** false: serve HTTP (and SMTP) only; another process runs the worker. */
  WORKER_ENABLED: z
    .enum(['true', 'false'], { error: 'WORKER_ENABLED must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  /** A real relay, e.g. smtp://user:pass@relay:587; when set, no local SMTP server runs. */
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
});

export interface NotificationServiceConfig {
  databaseUrl: string;
  host: string;
  port: number;
  temporal: { address: string; namespace: string };
  taskQueue: string;
  workerEnabled: boolean;
  smtp: {
    /** A real relay; when set, the embedded SMTP server does not start. */
    url?: string;
    /** Where the embedded SMTP server listens (port 0 = any free port). */
    host: string;
    port: number;
  };
  mailFrom: string;
}

/** Reads the environment; a bad variable fails start-up with its name and what it must be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): NotificationServiceConfig {
  const e = loadEnv('notification-service', envSchema, env);
  return {
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    taskQueue: e.NOTIFICATIONS_TASK_QUEUE,
    workerEnabled: e.WORKER_ENABLED,
    smtp: { ...(e.SMTP_URL ? { url: e.SMTP_URL } : {}), host: e.SMTP_HOST, port: e.SMTP_PORT },
    mailFrom: e.MAIL_FROM,
  };
}
