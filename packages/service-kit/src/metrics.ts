import type { RequestHandler } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type { Registry };

/**
 * One Prometheus registry per service (several services share a process in tests): process
 * metrics, HTTP latency by method, route and status, and whatever the service adds.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export function httpMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route (the express path, e.g. /orders/:id) and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = duration.startTimer();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

/**
 * A gauge computed from the database when Prometheus scrapes: `read` returns one value per label
 * set (e.g. the count of cancellations per status and channel).
 */
export function databaseGauge<L extends string>(
  registry: Registry,
  options: { name: string; help: string; labelNames: readonly L[]; read: () => Promise<{ labels: Record<L, string>; value: number }[]> },
): void {
  new Gauge<L>({
    name: options.name,
    help: options.help,
    labelNames: options.labelNames,
    registers: [registry],
    async collect() {
      const rows = await options.read();
      this.reset();
      for (const row of rows) this.set(row.labels as Partial<Record<L, string | number>>, row.value);
    },
  });
}

export function metricsRoute(registry: Registry): RequestHandler {
  return async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  };
}
