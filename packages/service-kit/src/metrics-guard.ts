import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpClientError } from './http-errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics carries business counters (cancellations, refunds, open requests by channel):
 * only Prometheus, with `Authorization: Bearer <METRICS_TOKEN>`, reads them. Without a
 * configured token the route is closed.
 */
export function metricsGuard(token: string | undefined): RequestHandler {
  const wanted = token ? digest(token) : undefined;
  return (req, _res, next) => {
    if (!wanted)
      throw new HttpClientError(
        403,
        'FORBIDDEN',
        'metrics are off on this service: set METRICS_TOKEN and scrape with Authorization: Bearer <METRICS_TOKEN>',
      );
    const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), wanted)) {
      throw new HttpClientError(401, 'UNAUTHENTICATED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    next();
  };
}
