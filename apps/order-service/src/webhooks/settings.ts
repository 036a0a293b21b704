import type { WebhookRetrySchedule } from '@cancelflow/domain';
import type { LookupAddress } from 'node:dns';

/** Finds every address of a host name (node:dns lookup with all: true; tests give their own). */
export type HostLookup = (hostname: string) => Promise<LookupAddress[]>;

export interface WebhookSettings {
  /** Encrypts the subscriptions' signing secrets at rest (WEBHOOK_SECRETS_KEY). */
  secretsKey: string;
  /**
   * Development only: deliver to private, loopback and link-local addresses (a receiver on this
   * machine). Off, every address a URL resolves to must be public.
   */
  allowPrivateAddresses: boolean;
  /** How long one POST may take, connecting included. */
  timeoutMs: number;
  /** How often the outbox is swept into events and deliveries. */
  sweepIntervalMs: number;
  /** How a failing receiver is retried (the delivery workflow's schedule); the domain's default when not given. */
  retry?: WebhookRetrySchedule;
  /** How long a delivery process waits for its order's next event before it ends. */
  idleMs?: number;
  /** Who is told about a disabled subscription that names no email of its own. */
  merchantEmail: string;
  lookup?: HostLookup;
}

/** The published development key: production refuses to start with it (config.ts). */
export const DEVELOPMENT_WEBHOOK_SECRETS_KEY = 'development-only-webhook-secrets-key-do-not-use-in-production';

export const defaultWebhookSettings = (overrides: Partial<WebhookSettings> = {}): WebhookSettings => ({
  secretsKey: DEVELOPMENT_WEBHOOK_SECRETS_KEY,
  allowPrivateAddresses: false,
  timeoutMs: 10_000,
  sweepIntervalMs: 1_000,
  merchantEmail: 'merchant-support@cancelflow.local',
  ...overrides,
});
