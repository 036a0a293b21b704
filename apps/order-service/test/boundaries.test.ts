import { DEVELOPMENT_WEBHOOK_SECRETS_KEY } from '../src/webhooks/settings.ts';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { MAX_AMOUNT_MINOR } from '@cancelflow/domain';
import { createLogger } from '@cancelflow/service-kit';
import { AUTH_AUDIENCE, AUTH_ISSUER, authSettingsFromEnv } from '@cancelflow/service-kit/auth';
import { DEVELOPMENT_AUTH_SECRET, DEVELOPMENT_SELF_SERVICE_SECRET } from '@cancelflow/service-kit/secrets';
import { configFromEnv } from '../src/config.ts';
import { merchantToken, serviceToken, supportToken } from '@cancelflow/testing/tokens';
import type { SelfServiceSettings } from '../src/config.ts';
import type { RunningOrderService } from '../src/service.ts';
import { mintSelfServiceLink, SELF_SERVICE_AUDIENCE, SELF_SERVICE_ISSUER } from '../src/self-service/tokens.ts';
import { client, orderInput, startTestService, unique } from './helpers.ts';

const selfService: SelfServiceSettings = {
  secret: DEVELOPMENT_SELF_SERVICE_SECRET,
  ttlSeconds: 3600,
  baseUrl: 'http://shop.example/self-service',
};
const METRICS_TOKEN = 'metrics-token-of-the-boundaries-test-0123456789';

// Every request log line the service writes, as JSON.
const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let service: RunningOrderService;
let limited: RunningOrderService;
beforeAll(async () => {
  const logger = createLogger('order-service', sink);
  // Answered requests are logged at debug.
  logger.level = 'debug';
  service = await startTestService({ logger }, { selfService, metricsToken: METRICS_TOKEN });
  // The same service with tiny limits per token and per customer link (per address stays generous:
  // every test file of the run calls from 127.0.0.1).
  limited = await startTestService(
    {},
    {
      selfService,
      rateLimits: { enabled: true, windowSeconds: 3600, perToken: 3, perIp: 1_000_000, perCustomerLink: 2 },
    },
  );
});
afterAll(async () => {
  await service?.close();
  await limited?.close();
});

const api = () => client(service);

/** Nothing of this merchant was written. */
async function nothingWrittenFor(merchantId: string): Promise<void> {
  const listed = await client(service, await supportToken()).get(`/orders?merchantId=${encodeURIComponent(merchantId)}`);
  expect(listed.status).toBe(200);
  expect((listed.body as unknown as { items: unknown[] }).items).toEqual([]);
}

async function raw(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await fetch(`${service.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${await serviceToken()}`, ...init.headers },
  });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

describe('no bad input yields a 5xx, and nothing is written', () => {
  it('malformed percent-encoding in a path id is a 400 that says so', async () => {
    for (const path of ['/orders/%ZZ', '/orders/%E0%A4%A', '/cancellations/%', '/orders/%ZZ/cancellations']) {
      const answer = await raw(path);
      expect(answer.status, path).toBe(400);
      expect(answer.text).toMatch(/percent-encoding/);
    }
  });

  it('a body that is not what its Content-Encoding says, or an encoding or charset we do not speak, is a 4xx', async () => {
    const input = orderInput();
    const falseGzip = await raw('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: JSON.stringify(input),
    });
    expect(falseGzip.status).toBe(400);
    expect(falseGzip.text).toMatch(/Content-Encoding/);
    const unknownEncoding = await raw('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'zstd-or-so' },
      body: JSON.stringify(input),
    });
    expect(unknownEncoding.status).toBe(415);
    const charset = await raw('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=ebcdic' },
      body: JSON.stringify(input),
    });
    expect(charset.status).toBe(415);
    const notJson = await raw('/orders', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(input) });
    expect(notJson.status).toBe(400);
    expect(notJson.text).toMatch(/Content-Type: application\/json/);
    const broken = await raw('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"channel":' });
    expect(broken.status).toBe(400);
    await nothingWrittenFor(input.merchantId);
    // A real gzip body is read.
    const gzipped = await raw('/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify(orderInput())),
    });
    expect(gzipped.status).toBe(201);
  });

  it('an over-limit body is a 413', async () => {
    const input = orderInput({ customer: { email: 'ada@example.com', name: 'x'.repeat(1_100_000) } });
    const answer = await raw('/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/too large/);
    await nothingWrittenFor(input.merchantId);
  });

  it('NUL characters and lone surrogates in any string of a body are refused, naming the field', async () => {
    const spoilt = [
      (bad: string) => orderInput({ channelOrderNo: `CO-${bad}` }),
      (bad: string) => orderInput({ customer: { email: 'ada@example.com', name: `Ada ${bad}` } }),
      (bad: string) => orderInput({ lines: [{ sku: `MUG${bad}`, quantity: 1, unitPrice: 4500 }] }),
      (bad: string) => orderInput({ payments: [{ method: 'CARD', amount: 4500, reference: `pay${bad}` }] }),
    ];
    for (const bad of ['\u0000', '\ud800', '\udfff', 'a\udc00b']) {
      for (const make of spoilt) {
        const input = make(bad);
        const answer = await api().post('/orders', input);
        expect(answer.status, JSON.stringify(bad)).toBe(400);
        expect(answer.body.error.message).toMatch(/NUL|surrogate/);
        await nothingWrittenFor(input.merchantId);
      }
    }
    // A well-formed pair (an emoji) is text like any other.
    expect((await api().post('/orders', orderInput({ customer: { email: 'ada@example.com', name: 'Ada 😀' } }))).status).toBe(201);
  });

  it('NUL characters in a query string or a path are refused, lone surrogates never reach the database', async () => {
    const token = await supportToken();
    expect((await client(service, token).get('/orders?q=CO%00')).status).toBe(400);
    expect((await client(service, token).get('/orders?merchantId=m%00')).status).toBe(400);
    expect((await client(service, token).get('/cancellation-requests?merchantId=%00')).status).toBe(400);
    expect((await client(service, token).get('/orders/a%00b')).status).toBeLessThan(500);
    // Percent-encoded, a lone surrogate is not valid UTF-8: the query keeps the bytes as they came.
    const surrogate = await client(service, token).get('/orders?q=%ED%A0%80');
    expect(surrogate.status).toBe(200);
    expect((surrogate.body as unknown as { items: unknown[] }).items).toEqual([]);
  });

  it('amounts beyond the realistic maximum, and sums beyond it, are refused; so are absurd quantities', async () => {
    const cases = [
      orderInput({
        lines: [{ sku: 'A', quantity: 1, unitPrice: Number.MAX_SAFE_INTEGER }],
        payments: [{ method: 'CARD', amount: Number.MAX_SAFE_INTEGER, reference: unique('p') }],
      }),
      orderInput({
        lines: [{ sku: 'A', quantity: 1, unitPrice: MAX_AMOUNT_MINOR + 1 }],
        payments: [{ method: 'CARD', amount: MAX_AMOUNT_MINOR + 1, reference: unique('p') }],
      }),
      // Each price allowed, the total not: 3 x 10^10.
      orderInput({
        lines: [{ sku: 'A', quantity: 3, unitPrice: MAX_AMOUNT_MINOR }],
        payments: [1, 2, 3].map(() => ({ method: 'CARD', amount: MAX_AMOUNT_MINOR, reference: unique('p') })),
      }),
      orderInput({
        lines: [{ sku: 'A', quantity: 2 ** 31, unitPrice: 1 }],
        payments: [{ method: 'CARD', amount: 2 ** 31, reference: unique('p') }],
      }),
      orderInput({
        lines: [{ lineNo: 2 ** 31, sku: 'A', quantity: 1, unitPrice: 1 }],
        payments: [{ method: 'CARD', amount: 1, reference: unique('p') }],
      }),
    ];
    for (const input of cases) {
      const answer = await api().post('/orders', input);
      expect(answer.status, JSON.stringify(input.lines)).toBe(400);
      await nothingWrittenFor(input.merchantId);
    }
    const deep = await client(service, await supportToken()).get('/orders?offset=9007199254740991');
    expect(deep.status).toBe(400);
  });
});

describe('tokens', () => {
  const settings = authSettingsFromEnv();
  const key = new TextEncoder().encode(settings.secret);
  const now = Math.floor(Date.now() / 1000);
  const base = () =>
    new SignJWT({ role: 'SUPPORT' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(AUTH_ISSUER)
      .setAudience(AUTH_AUDIENCE)
      .setSubject('someone');

  it('expired, without exp, without iat, issued in the future or older than the maximum age: 401', async () => {
    const tokens = {
      expired: await base()
        .setIssuedAt(now - 120)
        .setExpirationTime(now - 60)
        .sign(key),
      'no exp': await base().setIssuedAt(now).sign(key),
      'no iat': await base()
        .setExpirationTime(now + 3600)
        .sign(key),
      'future iat': await base()
        .setIssuedAt(now + 3600)
        .setExpirationTime(now + 7200)
        .sign(key),
      'too old (13 h, still unexpired)': await base()
        .setIssuedAt(now - 13 * 3600)
        .setExpirationTime(now + 3600)
        .sign(key),
    };
    for (const [what, token] of Object.entries(tokens)) {
      const answer = await client(service, token).get('/orders');
      expect(answer.status, what).toBe(401);
    }
    // A minute of clock skew is allowed.
    const skewed = await base()
      .setIssuedAt(now + 30)
      .setExpirationTime(now + 3600)
      .sign(key);
    expect((await client(service, skewed).get('/orders')).status).toBe(200);
  });

  it("a customer's link that is too old, has no exp or iat, or comes from the future: 401", async () => {
    const order = await api().post('/orders', orderInput());
    expect(order.status).toBe(201);
    const id = order.body.id;
    const linkKey = new TextEncoder().encode(selfService.secret);
    const link = () =>
      new SignJWT({ orderId: id, scope: 'order:self-service' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(SELF_SERVICE_ISSUER)
        .setAudience(SELF_SERVICE_AUDIENCE)
        .setSubject(id);
    const tokens = {
      'no exp': await link().setIssuedAt(now).sign(linkKey),
      'no iat': await link()
        .setExpirationTime(now + 600)
        .sign(linkKey),
      'future iat': await link()
        .setIssuedAt(now + 3600)
        .setExpirationTime(now + 7200)
        .sign(linkKey),
      'older than the link lifetime': await link()
        .setIssuedAt(now - 7200)
        .setExpirationTime(now + 3600)
        .sign(linkKey),
      expired: (await mintSelfServiceLink(selfService, id, new Date(Date.now() - 2 * 3600_000))).token,
    };
    for (const [what, token] of Object.entries(tokens)) {
      const answer = await client(service, null).get(`/self-service/orders/${id}?token=${encodeURIComponent(token)}`);
      expect(answer.status, what).toBe(401);
    }
    const good = (await mintSelfServiceLink(selfService, id)).token;
    expect((await client(service, null).get(`/self-service/orders/${id}?token=${encodeURIComponent(good)}`)).status).toBe(200);
  });
});

describe('secrets never reach the logs', () => {
  it('the authorization and cookie headers and the link token in the URL and query are redacted in the request log', async () => {
    const order = await api().post('/orders', orderInput());
    const { token } = await mintSelfServiceLink(selfService, order.body.id);
    const bearer = await merchantToken(unique('m'));
    lines.length = 0;
    await fetch(`${service.url}/self-service/orders/${order.body.id}?token=${encodeURIComponent(token)}&lang=en`, {
      headers: { cookie: 'session=cookie-secret-value' },
    });
    await fetch(`${service.url}/orders?limit=1`, { headers: { authorization: `Bearer ${bearer}` } });
    const logged = lines.map((line) => JSON.stringify(line)).join('\n');
    expect(lines.some((line) => line.msg === 'request completed')).toBe(true);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(bearer);
    expect(logged).not.toContain('cookie-secret-value');
    const requests = lines
      .map((line) => line.req as { url: string; headers: Record<string, string>; query: Record<string, string> } | undefined)
      .filter((req) => req !== undefined);
    const selfServiceRequest = requests.find((req) => req.url.startsWith('/self-service/'))!;
    expect(selfServiceRequest.url).toMatch(/\?token=\[redacted\]&lang=en$/);
    expect(selfServiceRequest.query.token).toBe('[redacted]');
    expect(selfServiceRequest.headers.cookie).toBe('[redacted]');
    expect(requests.find((req) => req.url.startsWith('/orders'))!.headers.authorization).toBe('[redacted]');
  });
});

describe('headers and /metrics', () => {
  it('the API, its docs and the customer page carry the security headers', async () => {
    const order = await api().post('/orders', orderInput());
    const { token } = await mintSelfServiceLink(selfService, order.body.id);
    for (const path of ['/orders', '/docs', `/self-service/orders/${order.body.id}?token=${encodeURIComponent(token)}`, '/no-such-route']) {
      const answer = await raw(path);
      expect(answer.headers.get('content-security-policy'), path).toMatch(/default-src 'self'/);
      expect(answer.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(answer.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(answer.headers.get('x-frame-options'), path).toBe('DENY');
    }
    // Swagger UI's page runs no inline script: the CSP would block it.
    const docs = await raw('/docs');
    expect(docs.text).not.toMatch(/<script>/);
    expect((await raw('/docs/start.js')).text).toMatch(/SwaggerUIBundle/);
  });

  it('/metrics answers only to its token', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${await supportToken()}` } })).status).toBe(401);
    const scraped = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/http_request_duration_seconds/);
    // A service without METRICS_TOKEN serves no metrics at all.
    expect((await fetch(`${limited.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(403);
  });
});

describe('rate limits', () => {
  it('past the limit per token: 429 with Retry-After and the RateLimit headers; another token is not affected', async () => {
    const token = await supportToken({ subject: `limited-${randomUUID()}` });
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await client(limited, token).get('/orders?limit=1'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers[0]!.headers.get('ratelimit-policy')).toMatch(/"token";q=3;w=3600/);
    expect(answers[0]!.headers.get('ratelimit')).toMatch(/"token";r=2;t=\d+/);
    const refused = answers[3]!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit')).toMatch(/"token";r=0;t=\d+/);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/try again in \d+ s/);
    expect((await client(limited, await supportToken({ subject: `other-${randomUUID()}` })).get('/orders?limit=1')).status).toBe(200);
    // Health stays open to the orchestrator.
    expect((await fetch(`${limited.url}/healthz`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('the counters are in PostgreSQL: requests to one replica count at another', async () => {
    const token = await supportToken({ subject: `replicas-${randomUUID()}` });
    expect((await client(limited, token).get('/orders?limit=1')).status).toBe(200);
    expect((await client(service, token).get('/orders?limit=1')).status).toBe(200);
    expect((await client(service, token).get('/orders?limit=1')).status).toBe(200);
    expect((await client(limited, token).get('/orders?limit=1')).status).toBe(429);
  });

  it("past the limit per order on a customer's link: 429, whatever the spelling of the id", async () => {
    // A fresh token: the counters are shared with the other service of this file, as with replicas.
    const created = await client(limited, await serviceToken({ subject: `importer-${randomUUID()}` })).post('/orders', orderInput());
    expect(created.status).toBe(201);
    const id = created.body.id;
    const { token } = await mintSelfServiceLink(selfService, id);
    const page = (spelling: string) => fetch(`${limited.url}/self-service/orders/${spelling}?token=${encodeURIComponent(token)}`);
    expect((await page(id)).status).toBe(200);
    expect((await page(id.toUpperCase())).status).toBe(200);
    const refused = await page(id);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('ratelimit-policy')).toMatch(/"customer_link";q=2;w=3600/);
  });
});

describe('production secrets', () => {
  it('the configuration refuses the published development secrets and missing ones in production', () => {
    const env = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/c',
      AUTH_TOKEN_SECRET: DEVELOPMENT_AUTH_SECRET,
      SELF_SERVICE_TOKEN_SECRET: DEVELOPMENT_SELF_SERVICE_SECRET,
    };
    expect(() => configFromEnv(env)).toThrow(
      /AUTH_TOKEN_SECRET: is a development secret published.*SELF_SERVICE_TOKEN_SECRET: is a development secret published/,
    );
    expect(() => configFromEnv({ ...env, AUTH_TOKEN_SECRET: undefined })).toThrow(/AUTH_TOKEN_SECRET: required in production/);
    const secrets = { AUTH_TOKEN_SECRET: 'p'.repeat(40), SELF_SERVICE_TOKEN_SECRET: 's'.repeat(40) };
    expect(() => configFromEnv({ ...env, ...secrets })).toThrow(/WEBHOOK_SECRETS_KEY is required in production/);
    expect(() => configFromEnv({ ...env, ...secrets, WEBHOOK_SECRETS_KEY: DEVELOPMENT_WEBHOOK_SECRETS_KEY })).toThrow(
      /WEBHOOK_SECRETS_KEY/,
    );
    expect(() => configFromEnv({ ...env, ...secrets, WEBHOOK_SECRETS_KEY: 'w'.repeat(40) })).not.toThrow();
  });
});
