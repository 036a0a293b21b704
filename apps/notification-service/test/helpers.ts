import { assertKeepsContract } from '@cancelflow/testing/contract';
import { defaultTokenFor } from '@cancelflow/testing/tokens';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { NotificationServiceConfig } from '../src/config.ts';
import { startService, type RunningNotificationService } from '../src/service.ts';

export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** Where the test service takes replies. */
export const REPLY_ADDRESS = 'replies@cancelflow.local';

/** Set by the root vitest global setup (infra/src/vitest-global-setup.ts) for every test fork. */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through the root vitest config, which starts PostgreSQL and Temporal`);
  return value;
}

/** The service in-process: HTTP on a free port, the embedded SMTP server on a free port. */
export function testConfig(overrides: Partial<NotificationServiceConfig> = {}): NotificationServiceConfig {
  return {
    databaseUrl: required('DATABASE_URL'),
    host: '127.0.0.1',
    port: 0,
    temporal: {
      address: required('TEMPORAL_ADDRESS'),
      namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    },
    // A queue of its own, so this file's worker never takes another file's notification tasks.
    taskQueue: uniqueId('notifications-test'),
    worker: true,
    smtp: { host: '127.0.0.1', port: 0, maxMessageBytes: 1024 * 1024, rateLimitPerMinute: 100_000 },
    mailFrom: 'CancelFlow <no-reply@cancelflow.local>',
    replyAddresses: [REPLY_ADDRESS],
    ...overrides,
  };
}

export const startTestService = (overrides: Partial<NotificationServiceConfig> = {}): Promise<RunningNotificationService> =>
  startService(testConfig(overrides));

/** A port on this machine where nothing listens. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET as the tests' support staff (a bearer token, as every route but /healthz needs). */
export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const { origin, pathname, search } = new URL(url);
  const response = await fetch(url, { headers: { authorization: `Bearer ${await defaultTokenFor('GET', pathname)}` } });
  const text = await response.text();
  const body: unknown = JSON.parse(text);
  await assertKeepsContract(origin, {
    method: 'GET',
    path: `${pathname}${search}`,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
    text,
  });
  return { status: response.status, body: body as T };
}

/** The answers as the service documents them (the domain's answer schemas). */
export type { EmailBody as EmailView, ErrorBody as ErrorView, MailboxMessageBody as MailboxView } from '@cancelflow/domain';
export type ListOf<T> = { items: T[]; total: number; limit: number; offset: number };

/** What the cancellation workflow passes to the templates. */
export const confirmationData = (overrides: Record<string, string | number | boolean | null> = {}) => ({
  orderNo: 'WEB-10042',
  customerName: 'Jane Doe',
  amount: 4598,
  currency: 'EUR',
  refundMethod: 'ORIGINAL_PAYMENT',
  lines: '2 x Espresso cups (SKU CUP-2)',
  cancellationId: uniqueId('can'),
  failureReason: null,
  ...overrides,
});
