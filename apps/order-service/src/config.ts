import type { Duration } from '@temporalio/common';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  TEMPORAL_ADDRESS: z.string().min(1).default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Run the worker of the "orders" task queue in this process (default yes). */
  ORDER_WORKER: z.enum(['true', 'false']).default('true'),
  /** How often a pending refund is re-read when no provider event arrives (Temporal duration). */
  REFUND_RECHECK_INTERVAL: z.string().regex(/^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/, 'a duration such as 30s, 10m or 1h').default('1h'),
  /** Where refund failures are reported. */
  SUPPORT_EMAIL: z.email().default('support@cancelflow.local'),
});

export interface OrderServiceConfig {
  port: number;
  host: string;
  databaseUrl: string;
  temporal: { address: string; namespace: string };
  /** Start the worker of the "orders" task queue beside the HTTP API. */
  worker: boolean;
  /** How long GET /cancellations/:id waits for the live workflow state before leaving it out. */
  liveStateTimeoutMs?: number;
  /** How long starting a workflow may take before the request is answered 503. */
  workflowStartTimeoutMs?: number;
  /** Settings every cancellation process starts with. */
  cancellationProcess?: { refundRecheckInterval?: Duration; supportEmail?: string };
}

/** Reads the configuration from the environment; fails naming every bad variable. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): OrderServiceConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`order-service configuration is invalid: ${problems}`);
  }
  const e = result.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE },
    worker: e.ORDER_WORKER === 'true',
    cancellationProcess: { refundRecheckInterval: e.REFUND_RECHECK_INTERVAL as Duration, supportEmail: e.SUPPORT_EMAIL },
  };
}
