import { randomUUID } from 'node:crypto';
import type { Channel } from '@cancelflow/domain';
import { assertKeepsContract } from '@cancelflow/testing/contract';
import { defaultTokenFor } from '@cancelflow/testing/tokens';
import type { OrderServiceConfig } from '../src/config.ts';
import { startService, type RunningOrderService, type StartOptions } from '../src/service.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through the root vitest config (its global setup sets it)`);
  return value;
}

export const testConfig = (overrides: Partial<OrderServiceConfig> = {}): OrderServiceConfig => ({
  port: 0,
  host: '127.0.0.1',
  // The root vitest global setup starts PostgreSQL and Temporal and sets these for every fork.
  databaseUrl: required('DATABASE_URL'),
  temporal: { address: required('TEMPORAL_ADDRESS'), namespace: process.env.TEMPORAL_NAMESPACE || 'default' },
  // The workflow worker does not run in these tests: started workflows stay scheduled.
  worker: false,
  liveStateTimeoutMs: 300,
  ...overrides,
});

export const startTestService = (options: StartOptions = {}, overrides: Partial<OrderServiceConfig> = {}) =>
  startService(testConfig(overrides), options);

/** The fields the tests read from the API's answers (each answer has some of them). */
export interface ApiBody {
  id: string;
  requestId: string;
  status: string;
  merchantId: string;
  resolution: string;
  cancellationId: string;
  workflowId: string;
  reason: string;
  refundStatus?: string;
  refundFailureReason?: string;
  completedAt?: string;
  total: number;
  /** The order's money (orders) and what a cancellation would refund (eligibility). */
  money: Record<string, unknown>;
  refundPreview: {
    amount: number;
    vat: number;
    shipping: { amount: number; vat: number };
    lines: { lineId: string; quantity: number; amount: number; vat: number }[];
  };
  amount: number;
  vat: number;
  error: { code: string; message: string; details?: { path?: string; message: string }[] };
  lines: {
    id: string;
    lineNo: number;
    quantity: number;
    cancelledQuantity: number;
    cancellableQuantity: number;
    notCancellable: string[];
    refundPreview?: { amount: number; vat: number };
  }[];
  items: {
    id: string;
    kind: string;
    sku: string;
    quantity: number;
    idempotencyKey: string;
    payload: { restockOnMarketplace?: boolean };
  }[];
  steps: { step: string; key?: string }[];
  cancellations: unknown[];
  timeline: { type: string }[];
  customer: { allowed: boolean; reason?: string };
  merchant: { allowed: boolean; reason?: string };
}

export interface Answer<B = ApiBody> {
  status: number;
  body: B;
  headers: Headers;
}

/**
 * A JSON client of the order service. Without a token it calls as the test's integration (SERVICE)
 * or support staff (SUPPORT), whichever the route needs (defaultTokenFor); null sends none.
 */
export function client(service: Pick<RunningOrderService, 'url'>, token?: string | null) {
  const call = async <B = ApiBody>(
    method: string,
    path: string,
    body?: unknown,
    raw?: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<Answer<B>> => {
    const bearer = token === null ? undefined : (token ?? (await defaultTokenFor(method, path)));
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...extraHeaders,
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    await assertKeepsContract(service.url, {
      method,
      path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: parsed,
      text,
    });
    return { status: response.status, body: parsed as B, headers: response.headers };
  };
  return {
    get: (path: string) => call('GET', path),
    /** extraHeaders: beside the token and content type (an Idempotency-Key, say). */
    post: (path: string, body?: unknown, extraHeaders?: Record<string, string>) => call('POST', path, body ?? {}, undefined, extraHeaders),
    postRaw: (path: string, raw: string) => call('POST', path, undefined, raw),
    /** Any method, the answer read as B (a route outside the orders' own shapes). */
    request: <B>(method: string, path: string, body?: unknown) => call<B>(method, path, body),
  };
}

export const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A valid order: two lines (2 x 1000 and 1 x 2500), paid by card. */
export function orderInput(overrides: Record<string, unknown> = {}, channel: Channel = 'webshop') {
  return {
    channel,
    channelOrderNo: unique('CO'),
    merchantId: unique('m'),
    currency: 'EUR',
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    lines: [
      { sku: 'MUG-1', quantity: 2, unitPrice: 1000 },
      { sku: 'TEA-9', quantity: 1, unitPrice: 2500 },
    ],
    payments: [{ method: 'CARD', amount: 4500, reference: unique('pay') }],
    ...overrides,
  };
}
