import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import {
  NativeConnection,
  Runtime,
  makeTelemetryFilterString,
  type ActivityInboundCallsInterceptor,
  type WorkerOptions,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import { addLogContext, idsIn, withLogContext } from './context.ts';
import { processLogger } from './logger.ts';
import { workflowSpanTarget } from './telemetry.ts';
import { workerTuningFromEnv } from './worker-tuning.ts';

/** For bundleWorkflowCode({ workflowInterceptorModules }): traces workflows and their activity calls. */
export const workflowInterceptorModules: string[] = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** Temporal's logger interface over pino: the SDK's, workflows' and activities' logs as JSON lines. */
export function pinoTemporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    // Our workers run activities only or workflows only, by design: not worth a warning.
    if (/^No (workflows|activities) registered/.test(message)) level = 'DEBUG';
    const method =
      level === 'WARN' ? 'warn' : level === 'ERROR' ? 'error' : level === 'DEBUG' ? 'debug' : level === 'TRACE' ? 'trace' : 'info';
    logger[method]({ ...meta }, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

let installed = false;

/**
 * The process's Temporal runtime, once, before the first worker connection: its logs (and the
 * Rust core's, forwarded) go through pino; its metrics are served for Prometheus at
 * TEMPORAL_METRICS_BIND_ADDRESS (e.g. 0.0.0.0:9464, path /metrics) when set. Signals are left to
 * the service's own graceful shutdown (runService), which stops the worker itself.
 */
export function installTemporalRuntime(logger: Logger = processLogger(), env: NodeJS.ProcessEnv = process.env): void {
  if (installed) return;
  installed = true;
  if (Runtime._instance) {
    logger.debug('the Temporal runtime was already created in this process; keeping it');
    return;
  }
  const metricsAddress = env.TEMPORAL_METRICS_BIND_ADDRESS;
  Runtime.install({
    logger: pinoTemporalLogger(logger.child({ component: 'temporal' })),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      ...(metricsAddress ? { metrics: { prometheus: { bindAddress: metricsAddress } } } : {}),
    },
  });
}

/** A worker's connection to Temporal, after installing the runtime. */
export async function connectWorker(address: string): Promise<NativeConnection> {
  installTemporalRuntime();
  return NativeConnection.connect({ address });
}

/** Every activity runs in a log context with its workflow, activity and business ids. */
class LogContextActivityInbound implements ActivityInboundCallsInterceptor {
  private readonly ctx: ActivityContext;
  constructor(ctx: ActivityContext) {
    this.ctx = ctx;
  }
  execute: ActivityInboundCallsInterceptor['execute'] = (input, next) => {
    const info = this.ctx.info;
    return withLogContext(
      {
        workflowId: info.workflowExecution?.workflowId,
        runId: info.workflowExecution?.runId,
        activityType: info.activityType,
        activityId: info.activityId,
        attempt: info.attempt,
        traceId: trace.getActiveSpan()?.spanContext().traceId,
        ...idsIn(input.args[0]),
      },
      () => next(input),
    );
  };
}

/**
 * Adds tracing, log context, graceful shutdown time, the tuning of worker-tuning.ts and (when the
 * worker runs workflows) the workflow span sink to a worker's options.
 */
export function withWorkerTelemetry<T extends WorkerOptions>(options: T, env: NodeJS.ProcessEnv = process.env): T {
  const grace = Number(env.SHUTDOWN_GRACE_MS ?? 10_000);
  const target = workflowSpanTarget();
  const runsWorkflows = Boolean(options.workflowBundle || options.workflowsPath);
  return {
    shutdownGraceTime: Number.isFinite(grace) ? grace : 10_000,
    ...workerTuningFromEnv(env, runsWorkflows),
    ...options,
    interceptors: {
      ...options.interceptors,
      activity: [
        (ctx: ActivityContext) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        (ctx: ActivityContext) => ({ inbound: new LogContextActivityInbound(ctx) }),
        ...(options.interceptors?.activity ?? []),
      ],
    },
    sinks: {
      ...options.sinks,
      ...(runsWorkflows ? { exporter: makeWorkflowExporter(target.processor, target.resource) } : {}),
    },
  };
}

/** The client side: a trace context in the headers of every workflow start, signal and update. */
export function clientInterceptors(): WorkflowClientInterceptor[] {
  const logIds: WorkflowClientInterceptor = {
    async start(input, next) {
      addLogContext({ workflowId: input.options.workflowId });
      return next(input);
    },
    async signalWithStart(input, next) {
      addLogContext({ workflowId: input.options.workflowId });
      return next(input);
    },
  };
  return [new OpenTelemetryWorkflowClientInterceptor(), logIds];
}
