import { Writable } from 'node:stream';
import { Router } from 'express';
import { afterAll, beforeAll, describe as suite, expect, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp, createLogger, databaseGauge, describe, listen, undocumentedRoutes, type RunningServer } from '../src/index.ts';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

const NoteSchema = z.object({ text: z.string().min(1).meta({ description: 'what to note' }) });

function routes(): Router {
  const router = Router();
  router.post(
    '/orders/:id/notes',
    describe({ summary: 'Add a note', access: 'public', body: NoteSchema, responses: { 201: 'the note' } }),
    (req, res) => {
      req.log.info('noting');
      res.status(201).json({ orderId: req.params.id, cancellationId: 'c-1', text: String((req.body as { text: string }).text) });
    },
  );
  router.get('/orders/:id', describe({ summary: 'An order', access: 'public', responses: { 200: 'the order' } }), (req, res) => {
    res.json({ id: req.params.id });
  });
  return router;
}

let server: RunningServer;
let healthy = true;
const METRICS_TOKEN = 'm'.repeat(40);
beforeAll(async () => {
  const logger = createLogger('kit-test', sink);
  // Answered requests are logged at debug.
  logger.level = 'debug';
  const app = createHttpApp(logger, routes(), {
    service: 'kit-test',
    metricsToken: METRICS_TOKEN,
    readiness: {
      database: async () => undefined,
      temporal: async () => {
        if (!healthy) throw new Error('connection refused');
      },
    },
    metrics: (registry) =>
      databaseGauge(registry, {
        name: 'kit_test_things',
        help: 'things by colour',
        labelNames: ['colour'],
        read: async () => [{ labels: { colour: 'blue' }, value: 3 }],
      }),
  });
  server = await listen(app, 0);
});
afterAll(() => server.close());

suite('OpenAPI', () => {
  it('describes every route express serves, with the zod schemas of its input', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; parameters?: { name: string; in: string }[] }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/docs',
      '/healthz',
      '/metrics',
      '/openapi.json',
      '/orders/{id}',
      '/orders/{id}/notes',
      '/readyz',
    ]);
    const post = doc.paths['/orders/{id}/notes']!.post!;
    expect(JSON.stringify(post.requestBody)).toContain('what to note');
    expect(post.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
  });

  it('serves a browsable reference from node_modules, without a CDN', async () => {
    const page = await fetch(`${server.url}/docs`);
    const html = await page.text();
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${server.url}/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
  });

  it('reports a route mounted without a description', () => {
    const router = Router();
    router.get('/hidden', (_req, res) => res.json({}));
    router.get('/shown', describe({ summary: 'shown', access: 'public', responses: { 200: 'ok' } }), (_req, res) => res.json({}));
    const app = createHttpApp(createLogger('kit-test', sink), router);
    expect(undocumentedRoutes(app)).toEqual(['GET /hidden']);
  });
});

suite('logs', () => {
  it('every line of a request carries its request id and the order and cancellation ids', async () => {
    const response = await fetch(`${server.url}/orders/o-42/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(response.status).toBe(201);
    const mine = lines.filter((l) => l.requestId === 'req-1');
    expect(mine.map((l) => l.msg)).toEqual(['noting', 'request completed']);
    expect(mine[0]).toMatchObject({ requestId: 'req-1', orderId: 'o-42' });
    expect(mine[1]).toMatchObject({ requestId: 'req-1', orderId: 'o-42', cancellationId: 'c-1' });
  });
});

suite('metrics and readiness', () => {
  it('/metrics has HTTP latency by method, route and status, and the service gauges', async () => {
    await fetch(`${server.url}/orders/o-1`);
    const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*method="GET",route="\/orders\/:id",status="200"[^}]*\} 1/);
    expect(text).toMatch(/kit_test_things\{[^}]*colour="blue"[^}]*\} 3/);
  });

  it('/readyz answers 503 naming what is down', async () => {
    healthy = false;
    const down = await fetch(`${server.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', temporal: 'down: connection refused' } });
    healthy = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('a probe every few seconds logs when readiness changes, not each 503', async () => {
    const from = lines.length;
    const probe = async (up: boolean) => {
      healthy = up;
      await (await fetch(`${server.url}/readyz`)).text();
    };
    for (const up of [false, false, false, true, true, false, true]) await probe(up);
    const logged = lines.slice(from);
    const changes = logged.filter((l) => l.msg === 'not ready' || l.msg === 'ready again').map((l) => [l.level, l.msg]);
    expect(changes).toEqual([
      [40, 'not ready'],
      [30, 'ready again'],
      [40, 'not ready'],
      [30, 'ready again'],
    ]);
    expect(logged.find((l) => l.msg === 'not ready')).toMatchObject({ checks: { temporal: 'down: connection refused' } });
    // The request lines of the probes, 503s included, are debug.
    const requests = logged.filter((l) => (l.req as { url?: string } | undefined)?.url === '/readyz');
    expect(requests).toHaveLength(7);
    expect(new Set(requests.map((l) => l.level))).toEqual(new Set([20]));
  });
});

suite('secrets in request logs', () => {
  it('Merchant API keys (?apikey=, X-CE-KEY) and link tokens (?token=) never reach a log line', async () => {
    const secrets = ['cfk_query-key-secret-1', 'cfk_header-key-secret-2', 'link-token-secret-3', 'bearer-secret-4'];
    const response = await fetch(`${server.url}/orders/o-7?apikey=${secrets[0]}&token=${secrets[2]}&page=2`, {
      headers: { 'x-request-id': 'req-secrets', 'x-ce-key': secrets[1]!, authorization: `Bearer ${secrets[3]}` },
    });
    expect(response.status).toBe(200);
    const mine = lines.filter((l) => l.requestId === 'req-secrets');
    expect(mine.map((l) => l.msg)).toContain('request completed');
    const logged = JSON.stringify(mine);
    for (const secret of secrets) expect(logged).not.toContain(secret);
    // What is not secret stays readable.
    expect(logged).toContain('page=2');
    expect(logged).toContain('[redacted]');
  });
});
