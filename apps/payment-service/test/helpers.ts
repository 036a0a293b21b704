import { assertKeepsContract } from '@cancelflow/testing/contract';
import { defaultTokenFor } from '@cancelflow/testing/tokens';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@cancelflow/service-kit';
import { configFromEnv, type PaymentServiceConfig } from '../src/config.ts';
import { startService, type RunningPaymentService } from '../src/service.ts';
import type { RefundView } from '../src/refunds/index.ts';

/** The real service on the run's PostgreSQL and Temporal, on a free port. */
export function startTestService(
  overrides: Partial<PaymentServiceConfig> = {},
  options: { logger?: Logger } = {},
): Promise<RunningPaymentService> {
  // The root vitest global setup puts DATABASE_URL, TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE here.
  const config = configFromEnv({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
  return startService({ ...config, ...overrides }, options);
}

/** Ids unique per test: the database is shared by every test file of the run. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  service: RunningPaymentService,
  method: string,
  path: string,
  body?: unknown,
  raw?: string,
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${await defaultTokenFor(method, path)}` };
  const init: RequestInit = { method, headers };
  if (body !== undefined || raw !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = raw ?? JSON.stringify(body);
  }
  const res = await fetch(`${service.url}${path}`, init);
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : null;
  await assertKeepsContract(service.url, {
    method,
    path,
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: parsed,
    text,
  });
  return { status: res.status, body: parsed as T };
}

export async function recordPayments(
  service: RunningPaymentService,
  orderId: string,
  payments: { method: 'CARD' | 'BANK_TRANSFER' | 'POINTS' | 'STORE_CREDIT'; amount: number; reference?: string }[],
  currency = 'EUR',
): Promise<void> {
  await service.activities.recordOrderPayments({
    orderId,
    currency,
    payments: payments.map((p, i) => ({ ...p, reference: p.reference ?? `${orderId}-pay-${i + 1}` })),
  });
}

/** Polls the refund until it reaches a status (or fails the test after a while). */
export async function waitForRefundStatus(
  service: RunningPaymentService,
  refundId: string,
  status: RefundView['status'],
  timeoutMs = 10_000,
): Promise<RefundView> {
  const deadline = Date.now() + timeoutMs;
  let last: RefundView | undefined;
  while (Date.now() < deadline) {
    const res = await call<RefundView>(service, 'GET', `/refunds/${refundId}`);
    last = res.body;
    if (res.status === 200 && last.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`refund ${refundId} did not become ${status} in ${timeoutMs} ms; last seen ${JSON.stringify(last)}`);
}

export async function countRows(service: RunningPaymentService, table: string, where: string, params: unknown[]): Promise<number> {
  const rows = await service.orm.em
    .fork()
    .execute<{ n: string }[]>(`select count(*) as n from "payments"."${table}" where ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}
