import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@cancelflow/service-kit';
import { eventually, importOrder, unique } from '@cancelflow/testing';
import { startSystem, type RunningSystem } from '@cancelflow/system';

const exporter = new InMemorySpanExporter();
let tracing: ReturnType<typeof startTracing>;
let system: RunningSystem;

beforeAll(async () => {
  tracing = startTracing({ service: 'cancelflow-test', exporter });
  system = await startSystem();
});

afterAll(async () => {
  await system?.close();
  await tracing?.shutdown();
});

describe('tracing', () => {
  it('one cancellation is one trace: the HTTP POST, the workflow start, the workflow, its activities, SQL and SMTP', async () => {
    const order = await importOrder(system.orders);
    const response = await system.orders.post<{ cancellationId: string }>(`/orders/${order.id}/cancellations`, {
      lines: order.lines.map((l) => ({ lineId: l.id, quantity: l.openQuantity })),
      reason: 'OUT_OF_STOCK',
      merchantCancellationNumber: unique('C'),
    });
    expect(response.status).toBe(202);

    const post = await eventually(async () => exporter.getFinishedSpans().find((s) => s.name === 'POST /orders/:id/cancellations'), {
      what: 'the HTTP span of the POST',
    });
    const traceId = post.spanContext().traceId;
    const inTrace = (): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

    const spans = await eventually(
      async () => {
        const names = inTrace().map((s) => s.name);
        return names.some((n) => n.startsWith('RunWorkflow:')) && names.includes('smtp send') ? inTrace() : undefined;
      },
      { timeoutMs: 45_000, what: 'the workflow and its email in the same trace' },
    );
    const names = spans.map((s) => s.name);
    expect(names).toContain('POST /orders/:id/cancellations');
    expect(names.some((n) => n.startsWith('StartWorkflow:'))).toBe(true);
    expect(names.some((n) => n.startsWith('RunWorkflow:'))).toBe(true);
    const activities = names.filter((n) => n.startsWith('RunActivity:'));
    expect(activities.length).toBeGreaterThanOrEqual(3);
    expect(names.some((n) => n.startsWith('pg '))).toBe(true);
    expect(names).toContain('smtp send');
    // Connected: every span but the POST has its parent in the same trace.
    const ids = new Set(spans.map((s) => s.spanContext().spanId));
    const orphans = spans.filter((s) => s !== post && !(s.parentSpanId && ids.has(s.parentSpanId)));
    expect(orphans.map((s) => s.name)).toEqual([]);
  });
});
