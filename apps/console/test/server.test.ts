// @vitest-environment node
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@cancelflow/service-kit/logger';
import { listen, type RunningServer } from '@cancelflow/service-kit/http';
import { configFromEnv } from '../src/config.ts';
import { createConsoleApp } from '../src/server.ts';

// An upstream that answers with what it received, standing in for a service's HTTP port.
let upstream: Server;
let upstreamUrl: string;
let console_: RunningServer;
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'CONFLICT', message: 'as the service words it' } }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'assets', 'index-1.js'), 'console.log(1);\n//# sourceMappingURL=index-1.js.map');
  writeFileSync(join(dist, 'assets', 'index-1.js.map'), '{"sources":["secret.tsx"]}');
  const config = configFromEnv({
    ORDER_SERVICE_URL: upstreamUrl,
    PAYMENT_SERVICE_URL: 'http://127.0.0.1:1',
    TEMPORAL_UI_URL: 'http://temporal.example:8233/',
  });
  const logger = createLogger('console-test');
  logger.level = 'error';
  console_ = await listen(createConsoleApp({ config, logger, distDir: dist }), 0);
});

afterAll(async () => {
  await console_.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

describe('console server', () => {
  it('proxies /api/orders/* to the order service with the body and the bearer token, and passes its answer through', async () => {
    const response = await fetch(`${console_.url}/api/orders/orders/o-1/cancellations?x=1`, {
      method: 'POST',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'OTHER' }),
    });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'CONFLICT', message: 'as the service words it' } });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: '/orders/o-1/cancellations?x=1', body: '{"reason":"OTHER"}' });
    expect(last.headers.authorization).toBe('Bearer abc');
  });

  it('answers 502 with a message naming the service when a service does not answer', async () => {
    const response = await fetch(`${console_.url}/api/payments/orders/o-1/payments`);
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.message).toMatch(/^the payment service at http:\/\/127\.0\.0\.1:1 is not answering/);
  });

  it('serves the Temporal web UI address in /config.json and the app for every client-side route', async () => {
    expect(await (await fetch(`${console_.url}/config.json`)).json()).toEqual({
      temporalUiUrl: 'http://temporal.example:8233',
      temporalNamespace: 'default',
      allowUnauthenticated: false,
    });
    const page = await fetch(`${console_.url}/orders/o-1/anything`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetch(`${console_.url}/api/unknown/x`)).status).toBe(404);
  });

  it('sends the security headers with the app, the customer page and the proxied answers', async () => {
    for (const path of ['/', '/self-service/orders/o-1?token=t', '/assets/index-1.js', '/api/orders/orders/o-1', '/config.json']) {
      const response = await fetch(`${console_.url}${path}`);
      expect(response.headers.get('content-security-policy'), path).toBe(
        "default-src 'self';base-uri 'self';connect-src 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
      );
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it("does not proxy the services' /metrics, and serves no source map", async () => {
    const before = seen.length;
    for (const path of ['/api/orders/metrics', '/api/orders/METRICS', '/api/payments/metrics/', '/api/notifications/metrics?x=1']) {
      expect((await fetch(`${console_.url}${path}`, { headers: { authorization: 'Bearer abc' } })).status, path).toBe(404);
    }
    expect(seen.length).toBe(before);
    expect((await fetch(`${console_.url}/assets/index-1.js`)).status).toBe(200);
    expect((await fetch(`${console_.url}/assets/index-1.js.map`)).status).toBe(404);
  });

  it('answers /healthz and /readyz in the shape every service answers them', async () => {
    expect(await (await fetch(`${console_.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${console_.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { app: 'ok' } });
  });

  it('refuses bad settings naming the variable, through the common configuration', () => {
    expect(() => configFromEnv({ PORT: 'eighty', ORDER_SERVICE_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(
      /console configuration is invalid: .*PORT must be a port number.*ORDER_SERVICE_URL must be a URL/,
    );
    expect(() => configFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
    // An empty variable is unset, as a .env file leaves it.
    expect(configFromEnv({ PORT: '', TEMPORAL_NAMESPACE: '' })).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default' });
  });
});
