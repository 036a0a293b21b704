// The console's one origin: the built browser app, GET /config.json, and /api/<service>/*
// proxied to the three services, so the browser never needs CORS or the services' ports.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Logger } from '@cancelflow/service-kit/logger';
import { securityHeaders } from '@cancelflow/service-kit/security-headers';
import { readinessRoute } from '@cancelflow/service-kit/health';
import { publicConfig, type ConsoleConfig } from './config.ts';

export interface ServerOptions {
  config: ConsoleConfig;
  logger: Logger;
  /** The folder with the built app (index.html + assets). */
  distDir: string;
}

/** /api/<prefix>/... -> <service>/... ; the prefix names the service. */
export const PROXIED_SERVICES = [
  { prefix: '/api/orders', name: 'order service', url: (c: ConsoleConfig) => c.ORDER_SERVICE_URL },
  { prefix: '/api/payments', name: 'payment service', url: (c: ConsoleConfig) => c.PAYMENT_SERVICE_URL },
  { prefix: '/api/notifications', name: 'notification service', url: (c: ConsoleConfig) => c.NOTIFICATION_SERVICE_URL },
] as const;

export function createConsoleApp({ config, logger, distDir }: ServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // CSP, nosniff, no framing, no referrer (the customer's page has its token in the URL).
  app.use(securityHeaders());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The services' shape: ready once the built app is there to serve (the services it proxies answer for themselves).
  app.get('/readyz', readinessRoute({ app: () => access(join(distDir, 'index.html')) }, logger));
  app.get('/config.json', (_req, res) => {
    res.set('cache-control', 'no-store').json(publicConfig(config));
  });

  // The services' operational routes are for the machines of the platform, not for browsers.
  app.use(
    PROXIED_SERVICES.map((service) => `${service.prefix}/metrics`),
    (req, res) => {
      res.status(404).json({
        error: { code: 'NOT_FOUND', message: `no service answers ${req.method} ${req.originalUrl.split('?')[0]} through the console` },
      });
    },
  );

  for (const service of PROXIED_SERVICES) {
    const target = service.url(config);
    app.use(
      service.prefix,
      createProxyMiddleware<IncomingMessage, ServerResponse>({
        target,
        changeOrigin: true,
        xfwd: true,
        proxyTimeout: 30_000,
        on: {
          error: (error, _req, res) => {
            logger.warn({ err: error, target }, `${service.name} did not answer`);
            unavailable(
              res,
              `the ${service.name} at ${target} is not answering (${(error as NodeJS.ErrnoException).code ?? error.message}); try again in a moment`,
            );
          },
        },
      }),
    );
  }
  // Anything else under /api is a mistake of the caller, not a page.
  app.use('/api', (req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no service answers ${req.method} /api${req.path}` } });
  });

  // Source maps would publish the whole source; the build makes none, and an old one is not served.
  app.use((req, res, next) => {
    if (!req.path.toLowerCase().endsWith('.map')) return next();
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'source maps are not served' } });
  });
  // Hashed assets never change; index.html always revalidates so a new build is picked up.
  app.use('/assets', express.static(join(distDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
  app.use(express.static(distDir, { index: false, maxAge: 0 }));
  // Client-side routes: every other GET gets the app, which routes itself.
  app.get('/{*page}', (_req, res) => {
    res.set('cache-control', 'no-cache').sendFile(join(distDir, 'index.html'));
  });
  return app;
}

function unavailable(res: ServerResponse | Socket, message: string): void {
  if (!('writeHead' in res)) {
    res.destroy();
    return;
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: { code: 'SERVICE_UNAVAILABLE', message } }));
}
