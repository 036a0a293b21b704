import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { healthBodySchema, readinessBodySchema } from '@cancelflow/domain';
import { idsIn, addLogContext, withLogContext } from './context.ts';
import { redactUrl } from './logger.ts';
import { PROBE_PATHS, readinessRoute, type ReadinessCheck } from './health.ts';
import { errorMapper, notFoundRoute } from './http-errors.ts';
import { createMetricsRegistry, httpMetrics, metricsRoute, type Registry } from './metrics.ts';
import { bearerAuthenticator, setAccessContext, type Authenticator } from './access.ts';
import { canonicalPath } from './canonical-path.ts';
import { describe, serveApiDocs } from './openapi.ts';
import type { RateLimits } from './rate-limit.ts';
import { securityHeaders } from './security-headers.ts';
import { metricsGuard } from './metrics-guard.ts';
import { tracingMiddleware } from './telemetry.ts';

export interface HttpAppOptions {
  /** The service's name: the title of its OpenAPI document and the `service` label of its metrics. */
  service?: string;
  version?: string;
  description?: string;
  /** What GET /readyz checks (database, temporal, smtp ...); without any, /readyz answers ready. */
  readiness?: Record<string, ReadinessCheck>;
  /** Adds the service's own metrics (gauges read from its database on scrape ...). */
  metrics?: (registry: Registry) => void;
  /** How bearer callers are authenticated; by default JWTs signed with AUTH_TOKEN_SECRET. */
  authenticate?: Authenticator;
  /** Per token and per client address limits on every route but health and metrics (rate-limit.ts). */
  rateLimits?: RateLimits;
  /** The bearer token GET /metrics wants (METRICS_TOKEN in the services' configs); none: /metrics is refused. */
  metricsToken?: string;
}

/**
 * The express shell every service shares: request ids and request logs carrying the ids of what
 * the request is about, a trace span per request, latency metrics, security headers, rate
 * limits, /healthz, /readyz, /metrics (behind its token), /openapi.json and /docs, the service's
 * routes, one error mapper. Every route declares its access (access.ts), decided after routing;
 * bodies are parsed only after that.
 */
export function createHttpApp(logger: Logger, routes: Router, options: HttpAppOptions = {}): Express {
  const service = options.service ?? logger.bindings().name ?? 'cancelflow';
  const registry = createMetricsRegistry(service);
  options.metrics?.(registry);
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');
  setAccessContext(app, { authenticate: options.authenticate ?? bearerAuthenticator(), parseBody: express.json({ limit: '1mb' }) });
  app.use(
    pinoHttp({
      logger,
      // One line per answered request costs a busy service more than its work: successes are
      // debug (LOG_LEVEL=debug shows them); refusals stay info and failures error.
      // The probes' answers are debug too (a 503 of /readyz included): /readyz logs its changes itself.
      customLogLevel: (req, res, error) =>
        PROBE_PATHS.has((req.url ?? '').split('?')[0]!)
          ? 'debug'
          : error || res.statusCode >= 500
            ? 'error'
            : res.statusCode >= 400
              ? 'info'
              : 'debug',
      // The headers and the query are redacted by the logger itself (logger.ts); the URL is one string.
      serializers: {
        req: (req: { url?: string }) => {
          if (typeof req.url === 'string') req.url = redactUrl(req.url);
          return req;
        },
      },
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && given.length <= 200 ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
    }),
  );
  // Every line logged while handling the request carries its id, and the business ids as they
  // become known (path parameters, the ids in the answer).
  app.use((req, res, next) => {
    withLogContext({ requestId: String(req.id) }, () => {
      const json = res.json.bind(res);
      res.json = (body?: unknown) => {
        addLogContext(idsIn(body));
        return json(body);
      };
      next();
    });
  });
  app.use(tracingMiddleware());
  app.use(httpMetrics(registry));
  // Every spelling of a path (//, dot segments, ;params, percent-encoded letters) routes as the canonical one.
  app.use(canonicalPath);
  app.use(securityHeaders());
  // Counted before anything is authenticated or parsed, so a flood costs one lookup per request.
  if (options.rateLimits) app.use(options.rateLimits.shell());
  app.get(
    '/healthz',
    describe({
      summary: 'The process is alive',
      tags: ['operations'],
      access: 'public',
      responses: { 200: { description: 'alive', schema: healthBodySchema } },
    }),
    (_req, res) => {
      res.json({ status: 'ok' });
    },
  );
  app.get(
    '/readyz',
    describe({
      summary: 'The service can do its work: database, Temporal (and SMTP) reachable',
      tags: ['operations'],
      access: 'public',
      responses: {
        200: { description: 'ready', schema: readinessBodySchema },
        503: { description: 'something it needs is down: `checks` says what', schema: readinessBodySchema },
      },
    }),
    readinessRoute(options.readiness ?? {}, logger),
  );
  app.get(
    '/metrics',
    describe({
      summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>)',
      tags: ['operations'],
      access: 'public',
      responses: {
        200: { description: 'metrics in the Prometheus text format', contentType: 'text/plain', schema: z.string() },
        401: 'no or a wrong metrics token',
      },
    }),
    metricsGuard(options.metricsToken),
    metricsRoute(registry),
  );
  serveApiDocs(app, {
    title: `CancelFlow ${service}`,
    version: options.version ?? '1.0.0',
    ...(options.description ? { description: options.description } : {}),
  });
  app.use(routes);
  app.use(notFoundRoute);
  app.use(errorMapper(logger));
  return app;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /**
   * Stops taking connections, lets the requests in flight finish, then resolves. Connections
   * still busy after graceMs (SHUTDOWN_GRACE_MS, default 10 s) are cut.
   */
  close(graceMs?: number): Promise<void>;
}

export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${actual}`,
        port: actual,
        server,
        close: (graceMs = Number(process.env.SHUTDOWN_GRACE_MS ?? 10_000)) =>
          new Promise<void>((done, fail) => {
            const cut = setTimeout(() => server.closeAllConnections(), graceMs);
            cut.unref();
            server.close((e) => {
              clearTimeout(cut);
              if (e) fail(e);
              else done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}
