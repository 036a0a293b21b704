import { createRequire } from 'node:module';
import { context, propagation, trace, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { RequestHandler } from 'express';
import { addLogContext } from './context.ts';

/**
 * OpenTelemetry tracing of a process: HTTP (server spans, W3C traceparent in and out), Temporal
 * (client, workflow and activity interceptors: see temporal-telemetry.ts), PostgreSQL queries and
 * whatever code wraps in withSpan (SMTP). Exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT
 * (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; off otherwise, at no cost beyond no-op calls.
 */
interface Tracing {
  provider: NodeTracerProvider;
  processor: SpanProcessor;
  resource: Resource;
}

let active: Tracing | undefined;

export interface TracingOptions {
  service: string;
  /** Where spans go instead of OTLP (tests: InMemorySpanExporter). */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}

/** Starts tracing for this process once; later calls return the same. Undefined when tracing is off. */
export function startTracing(options: TracingOptions): { shutdown(): Promise<void> } | undefined {
  if (active) return { shutdown: stopTracing };
  const env = options.env ?? process.env;
  const otlp = env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!options.exporter && !otlp) return undefined;
  const processor = options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter());
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || options.service });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  instrumentPg();
  active = { provider, processor, resource };
  return { shutdown: stopTracing };
}

async function stopTracing(): Promise<void> {
  const tracing = active;
  if (!tracing) return;
  await tracing.provider.forceFlush().catch(() => undefined);
  await tracing.provider.shutdown().catch(() => undefined);
  active = undefined;
  trace.disable();
  context.disable();
  propagation.disable();
}

export const tracingEnabled = (): boolean => active !== undefined;

/** The resource and a processor that forwards to whatever tracing is active (for workflow spans). */
export function workflowSpanTarget(): { processor: SpanProcessor; resource: Resource } {
  const forward: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => active?.processor.onEnd(span),
    forceFlush: async () => active?.processor.forceFlush(),
    shutdown: async () => undefined,
  };
  return { processor: forward, resource: active?.resource ?? new Resource({ 'service.name': 'cancelflow' }) };
}

const tracer = () => trace.getTracer('cancelflow');

/** Runs fn in a child span of the current one (no-op when tracing is off). */
export async function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>, kind = SpanKind.INTERNAL): Promise<T> {
  if (!active) return fn();
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn();
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** A SERVER span per request, continuing the caller's trace (traceparent header). */
export function tracingMiddleware(): RequestHandler {
  return (req, res, next) => {
    if (!active) return next();
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer().startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );
    addLogContext({ traceId: span.spanContext().traceId });
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/**
 * A CLIENT span per PostgreSQL query made inside a traced operation. MikroORM reaches PostgreSQL
 * through `pg` (imported as ESM, where @opentelemetry/instrumentation-pg's require hook does not
 * see it), so the query method is wrapped here, once, the same way.
 */
let pgInstrumented = false;
function instrumentPg(): void {
  if (pgInstrumented) return;
  pgInstrumented = true;
  // The copy of pg service-kit uses, and the one MikroORM's driver may have of its own.
  const own = createRequire(import.meta.url);
  const requires = [own];
  try {
    requires.push(createRequire(own.resolve('@mikro-orm/postgresql/package.json')));
  } catch {
    // no MikroORM here: only our own pg
  }
  const seen = new Set<unknown>();
  for (const load of requires) {
    const pg = load('pg') as PgModule;
    if (seen.has(pg.Client.prototype)) continue;
    seen.add(pg.Client.prototype);
    wrapQuery(pg);
  }
}

type PgModule = { Client: { prototype: { query: (...args: unknown[]) => unknown } } };

function wrapQuery(pg: PgModule): void {
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function query(this: unknown, ...args: unknown[]) {
    const parent = context.active();
    if (!active || !trace.getSpan(parent) || typeof args[args.length - 1] === 'function') return original.apply(this, args);
    const first = args[0];
    const text =
      typeof first === 'string'
        ? first
        : typeof first === 'object' && first !== null && 'text' in first
          ? String((first as { text: unknown }).text)
          : '';
    const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY';
    const span = tracer().startSpan(
      `pg ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system': 'postgresql', 'db.operation.name': operation, 'db.query.text': text.slice(0, 2_000) },
      },
      parent,
    );
    const result = context.with(trace.setSpan(parent, span), () => original.apply(this, args));
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => span.end(),
        (error: unknown) => {
          failed(span, error);
          span.end();
        },
      );
    } else {
      span.end();
    }
    return result;
  };
}
